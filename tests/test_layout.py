"""The module's imports flow one way (docs/architecture.md).

wizards → models → formats / validation / transports → billing; the lower
layers know nothing of Tryton's pool or transactions, and no import cycle
hides behind an import inside a function.
"""
import ast
import pathlib

import pytest

MODULE = pathlib.Path(__file__).resolve().parent.parent / 'lot_facturation'
PACKAGE = 'lot_facturation'
LOWER = ['billing', 'formats', 'validation', 'transports']
FLOWS = ['batch', 'sending', 'einvoicing', 'exports', 'corrections']
TRYTON_RUNTIME = ('trytond.pool', 'trytond.transaction')


def modules():
    for path in sorted(MODULE.rglob('*.py')):
        parts = list(path.relative_to(MODULE.parent).with_suffix('').parts)
        is_package = parts[-1] == '__init__'
        if is_package:
            parts.pop()
        yield path, '.'.join(parts), is_package


def imports(path, name, is_package):
    "Every module path imported by the file, inside functions too."
    package = name if is_package else name.rsplit('.', 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')[:len(package.split('.'))
                    - node.level + 1]
                module = '.'.join(base + ([node.module] if node.module
                        else []))
                yield module
                for alias in node.names:
                    yield f'{module}.{alias.name}'
            else:
                yield node.module


GRAPH = {name: set(imports(path, name, is_package))
    for path, name, is_package in modules()}


def layer(name):
    parts = name.split('.')
    return parts[1] if len(parts) > 1 else ''


@pytest.mark.parametrize('package', LOWER)
def test_lower_layers_do_not_use_the_tryton_runtime(package):
    offenders = sorted(f'{name} imports {target}'
        for name, targets in GRAPH.items() if layer(name) == package
        for target in targets if target and target.startswith(TRYTON_RUNTIME))
    assert offenders == []


@pytest.mark.parametrize('package', LOWER)
def test_lower_layers_do_not_import_flows(package):
    offenders = sorted(f'{name} imports {target}'
        for name, targets in GRAPH.items() if layer(name) == package
        for target in targets if target and target.startswith(PACKAGE + '.')
        and layer(target) in FLOWS + ['report', 'common'])
    assert offenders == []


def test_billing_rules_are_pure():
    "The rules import no other layer of the module: only the standard library."
    offenders = sorted(f'{name} imports {target}'
        for name, targets in GRAPH.items() if layer(name) == 'billing'
        for target in targets if target and (
            target.startswith('trytond')
            or (target.startswith(PACKAGE + '.')
                and layer(target) != 'billing')))
    assert offenders == []


def test_no_import_cycle():
    internal = {n: {t for t in targets if t in GRAPH and t != n}
        for n, targets in GRAPH.items()}
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = 'open'
        for target in sorted(internal[node]):
            if state.get(target) == 'open':
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[node] = 'done'
    for node in sorted(internal):
        if node not in state:
            visit(node, [node])
    assert cycles == []
