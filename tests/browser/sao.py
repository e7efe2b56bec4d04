"""What a person does in the Tryton web client (sao), for Playwright.

Only what the screen offers: menus by their French labels, form fields,
buttons, dialogs, list rows.  Values are read as displayed (French number
format) and turned into Decimal to compare amounts to the cent.
"""
import re
import time
from decimal import Decimal

from playwright.sync_api import expect

TIMEOUT = 120_000   # ms: posting or sending a batch on a loaded 2-core box
QUIET = 0.3   # s without any request in flight: sao is idle


def amount(text):
    "Decimal of a French displayed number: '12 680,00 €' -> 12680.00"
    text = re.sub(r'[^\d,\-]', '', text).replace(',', '.')
    return Decimal(text)


class Client:
    "One logged-in web client page; screenshots numbered in step order."

    def __init__(self, page, output):
        self.page = page
        self.output = output
        self.shots = []
        self.in_flight = 0
        page.on('request', self._request_started)
        page.on('requestfinished', self._request_ended)
        page.on('requestfailed', self._request_ended)
        page.set_default_timeout(TIMEOUT)
        expect.set_options(timeout=TIMEOUT)

    # --- navigation ---------------------------------------------------
    @property
    def tab(self):
        "The active tab (a list, a form or a wizard)"
        return self.page.locator('#tabcontent > .tab-pane.active')

    def login(self, url, login, password):
        page = self.page
        page.goto(url)
        page.wait_for_load_state('networkidle')
        page.locator('#login').fill(login)
        page.keyboard.press('Enter')
        page.locator('input[type=password]').fill(password)
        page.keyboard.press('Enter')
        expect(page.locator('#menu div.column-char').first).to_be_visible()
        self.idle()

    def menu_entry(self, title):
        return self.page.locator('#menu tr', has=self.page.locator(
                f'div.column-char[title="{title}"]')).first

    def expand_menu(self, *path):
        "Unfold menu entries until the last one of path shows"
        if not self.page.locator('#menu').is_visible():
            self.page.locator('[data-toggle="menu"]').first.click()
        for parent, child in zip(path, path[1:]):
            if not self.menu_entry(child).is_visible():
                self.menu_entry(parent).locator('span.expander').click()
            expect(self.menu_entry(child)).to_be_visible()

    def open_menu(self, *path):
        "Open the action of a menu entry, e.g. ('Financier', ..., 'Lots...')"
        self.expand_menu(*path)
        # One activation: a double-click would open a wizard twice
        self.menu_entry(path[-1]).locator('div.column-char').click()
        self.page.keyboard.press('Enter')
        self.idle()

    def hide_menu(self):
        "Give the whole width to the tab, as on a laptop screen"
        if self.page.locator('#menu').is_visible():
            self.page.locator('[data-toggle="menu"]').first.click()

    def _request_started(self, request):
        self.in_flight += 1

    def _request_ended(self, request):
        self.in_flight -= 1

    def idle(self):
        "Wait until no request has been in flight for a moment"
        deadline = time.monotonic() + TIMEOUT / 1000
        quiet_since = None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)   # lets Playwright see events
            if self.in_flight > 0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET:
                break
        expect(self.page.locator('#processing')).to_be_hidden()

    # --- forms ------------------------------------------------------------
    @property
    def form(self):
        "A wizard's dialog when one is open, else the active tab"
        wizard = self.page.locator('.wizard-dialog.modal.in')
        return wizard.last if wizard.count() else self.tab

    def widget(self, name):
        return self.form.locator(
            f'.form-container [name="{name}"]:visible').first

    def fill(self, name, value):
        widget = self.widget(name)
        widget.fill(value)
        widget.press('Tab')
        self.idle()

    def fill_many2one(self, name, text):
        "Type in a many2one; pick the one match its search dialog shows"
        widget = self.widget(name)
        widget.fill(text)
        widget.press('Tab')
        self.idle()
        search = self.page.locator('.modal.in', has_text="Recherche")
        if search.count():
            rows = search.last.locator('table.tree tbody tr')
            expect(rows).to_have_count(1)
            rows.first.click()
            search.last.locator('.modal-footer button',
                has_text="Valider").click()
            self.idle()
        expect(widget).to_have_value(re.compile(re.escape(text)))

    def select(self, name, label):
        self.widget(name).select_option(label=label)
        self.idle()

    def value(self, name):
        "The text a field shows (a select's chosen label)"
        widget = self.widget(name)
        if widget.evaluate('e => e.tagName') == 'SELECT':
            return widget.evaluate('e => e.options[e.selectedIndex].text')
        return widget.input_value()

    def expect_value(self, name, text):
        widget = self.widget(name)
        if widget.evaluate('e => e.tagName') == 'SELECT':
            expect(widget.locator('option:checked')).to_have_text(text)
        else:
            expect(widget).to_have_value(text)

    def page_tab(self, title):
        "Open a notebook page of the form by its title"
        self.tab.locator('.nav-tabs a', has_text=title).first.click()
        self.idle()

    def button(self, name):
        return self.form.locator(f'button[name="{name}"]')

    def click(self, name):
        self.button(name).click()
        self.idle()

    def toolbar(self, ident):
        "A button of the tab's toolbar: new_, save, reload, switch_..."
        return self.tab.locator(f'button#{ident}')

    # --- dialogs ------------------------------------------------------------
    @property
    def dialog(self):
        return self.page.locator('.modal.in').last

    def answer(self, text, button):
        "A dialog showing text is answered by the button labelled button"
        dialog = self.dialog
        expect(dialog).to_contain_text(text)
        dialog.locator('.modal-footer button', has_text=button).click()
        self.idle()

    # --- lists ----------------------------------------------------------------
    def rows(self, scope):
        return scope.locator('table.tree tbody tr:visible')

    def shot(self, name):
        "Save a screenshot of the screen as it is, numbered in step order"
        path = self.output / f'{len(self.shots) + 1:02d}-{name}.png'
        self.page.screenshot(path=str(path))
        self.shots.append(path)
        # The page as HTML beside it: what to look at when a step fails
        path.with_suffix('.html').write_text(self.page.content())
        return path

    def list_sum(self, scope, label):
        "The sum a list shows under its column label (all its rows)"
        cell = scope.locator('tfoot th').filter(
            has=self.page.locator('label', has_text=re.compile(
                    f'^{re.escape(label)}$'))).first
        value = cell.locator('.value')
        expect(value).to_contain_text(re.compile(r'\d'))
        return amount(value.inner_text().split('\n')[-1])
