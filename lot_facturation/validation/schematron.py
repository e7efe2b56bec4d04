# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Run XSLT 2.0 schematrons locally with Saxon-HE (``saxonche``).

The official e-invoice schematrons are XSLT 2.0 (lxml only runs 1.0).
Compiling one takes about a second, running it milliseconds: each
stylesheet is compiled once per process, lazily, under a lock, and each
call runs a clone of the executable taken from a pool (a
``PyXsltExecutable`` is not thread-safe; a clone costs microseconds).
Every call attaches its thread to Saxon's isolate (see ``_Saxon``).  A
forked child (queue workers) starts from a fresh processor and never
touches its parent's.

Speed (see bench/README.md): the schematron "skeleton" makes every pattern
walk the whole invoice twice, once in its own mode and once in the default
mode, where the walk outputs nothing.  ``drop_idle_walks`` removes that
second walk before compiling (the artefact file stays unchanged); the
SVRL output is the same, which the tests check against the original.
"""
import atexit
import os
import queue
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SVRL = 'http://purl.oclc.org/dsdl/svrl'
FATAL, WARNING = 'fatal', 'warning'
COMPILE_STACK = 64 * 1024 * 1024
_LEADING_ID = re.compile(r'^\s*\[([A-Za-z0-9-]+)\]')
_BASE_RULE = re.compile(r'^(?:[A-Z]+-)+\d+')
_NAMESPACED_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]")
_IDLE_WALK = re.compile(
    r'(<svrl:active-pattern>(?:(?!</svrl:active-pattern>).)*?)'
    r'<xsl:apply-templates\s*/>(\s*</svrl:active-pattern>)', re.S)


@dataclass(frozen=True)
class Finding:
    "One rule an invoice breaks, as a validator reported it"
    validator: str
    rule_id: str
    flag: str  # FATAL or WARNING
    text: str
    location: str = ''

    @property
    def fatal(self):
        return self.flag == FATAL

    @property
    def rule(self):
        "The rule without its variant: BR-FR-05_BT-22_PMT -> BR-FR-05"
        match = _BASE_RULE.match(self.rule_id)
        return match.group(0) if match else self.rule_id


class _Saxon:
    """The process's Saxon processor, created on first use (and after fork).

    SaxonC runs in a GraalVM isolate: a thread must be attached to it while
    it calls Saxon, or deep stylesheets crash the process (stack overflow,
    "wrong IsolateThread").  ``attached()`` attaches the calling thread for
    the duration of the outermost call and detaches it after, so that the
    short-lived threads of a server leave nothing behind."""
    lock = threading.RLock()
    pid = None
    processor = None
    local = threading.local()

    @classmethod
    def get(cls):
        if cls.pid == os.getpid():
            return cls.processor
        with cls.lock:
            if cls.pid != os.getpid():
                import saxonche
                cls.processor = saxonche.PySaxonProcessor(license=False)
                cls.pid = os.getpid()
                atexit.register(cls.attach_for_exit)
            return cls.processor

    @classmethod
    def attach_for_exit(cls):
        """At exit the interpreter frees the compiled stylesheets from this
        thread: it must be attached, or the process crashes while exiting"""
        if cls.pid == os.getpid():
            cls.processor.attach_current_thread  # a property that attaches

    @classmethod
    @contextmanager
    def attached(cls):
        "Attach this thread to the isolate around the outermost call"
        processor = cls.get()
        depth = getattr(cls.local, 'depth', 0)
        if not depth:
            processor.attach_current_thread  # a property that attaches
        cls.local.depth = depth + 1
        try:
            yield processor
        finally:
            cls.local.depth = depth
            if not depth:
                processor.detach_current_thread

    @classmethod
    def parse(cls, xml):
        "Return the XDM document node of XML bytes (or text)"
        text = xml.decode('utf-8') if isinstance(xml, bytes) else xml
        with cls.attached() as processor:
            return processor.parse_xml(xml_text=text.lstrip('\ufeff'))


def drop_idle_walks(source):
    """Remove the default-mode ``<xsl:apply-templates/>`` of each pattern.

    The skeleton's default mode only has the root rule and a text() rule
    that outputs nothing: that walk of the invoice produces nothing.
    Return (source, number of walks removed)."""
    return _IDLE_WALK.subn(r'\1\2', source)


class Schematron:
    """A compiled schematron that turns an XML into Findings.

    ``flags`` maps the SVRL flag attribute to our flag; ``default_flag`` is
    used when an assertion carries none (the Factur-X stylesheets);
    ``default_rule`` names an assertion without id from its text;
    ``prepare(source) -> (source, parameters)`` rewrites the stylesheet
    text before compiling and names the documents (path) to pass as
    parameters; ``optimise=False`` compiles the file as it is."""

    def __init__(self, name, path, flags=None, default_flag=FATAL,
            default_rule=None, prepare=None, optimise=True):
        self.name = name
        self.path = Path(path)
        self.flags = flags or {FATAL: FATAL, 'error': FATAL,
            WARNING: WARNING, 'information': WARNING}
        self.default_flag = default_flag
        self.default_rule = default_rule or (lambda text: '')
        self.prepare = prepare
        self.optimise = optimise
        self.rewrites = None
        self._pid = None
        self._executable = None
        self._parameters = {}
        self._clones = None

    def _compiled(self):
        "The executable and its parameters, compiled once per process"
        with _Saxon.lock:
            if self._pid != os.getpid():
                _Saxon.get()  # created here: the compiling thread waits
                _in_large_stack(self._compile_attached)
                self._clones = queue.SimpleQueue()
                self._pid = os.getpid()
            return self._executable, self._parameters

    def _compile_attached(self):
        with _Saxon.attached() as processor:
            self._compile(processor)

    def _compile(self, processor):
        compiler = processor.new_xslt30_processor()
        if not self.optimise:
            self._executable = compiler.compile_stylesheet(
                stylesheet_file=str(self.path))
            return
        source, walks = drop_idle_walks(self.path.read_text('utf-8'))
        documents = {}
        if self.prepare:
            source, documents = self.prepare(source)
        self.rewrites = walks
        # Relative URIs of the stylesheet resolve next to its file
        compiler.set_cwd(str(self.path.parent))
        self._executable = compiler.compile_stylesheet(
            stylesheet_text=source)
        self._parameters = {name: processor.parse_xml(
                xml_file_name=str(path)) for name, path in documents.items()}

    def compile(self):
        "Compile now (workers warm up before their first invoice)"
        self._compiled()

    @contextmanager
    def _clone(self):
        "An executable of our own: a clone, reused by the next call"
        executable, parameters = self._compiled()
        clones = self._clones
        try:
            clone = clones.get_nowait()
        except queue.Empty:
            clone = executable.clone()
            for name, value in parameters.items():
                clone.set_parameter(name, value)
        yield clone
        clones.put(clone)

    def svrl(self, document):
        "The SVRL report (bytes) of an XDM document or XML bytes"
        with _Saxon.attached():
            node = (document if hasattr(document, 'node_kind')
                else _Saxon.parse(document))
            with self._clone() as executable:
                result = executable.transform_to_string(xdm_node=node)
            del node  # freed while the thread is attached
        return result.encode('utf-8')

    def validate(self, document):
        """Return the Findings of an XDM document (or XML bytes); a dynamic
        error of the stylesheet (e.g. a total that is no number) blocks the
        invoice as rule XSLT instead of stopping a whole batch"""
        import saxonche
        try:
            svrl = self.svrl(document)
        except saxonche.PySaxonApiError as error:
            return [Finding(self.name, 'XSLT', FATAL,
                    ' '.join(str(error).split()))]
        return self.findings(svrl)

    def findings(self, svrl):
        "Parse an SVRL report into Findings"
        root = etree.fromstring(svrl)
        result = []
        for node in root.iter('{%s}failed-assert' % SVRL,
                '{%s}successful-report' % SVRL):
            text = ' '.join(' '.join(
                    t for e in node.iter('{%s}text' % SVRL)
                    for t in e.itertext()).split())
            rule_id = (node.get('id') or _leading_id(text)
                or self.default_rule(text))
            flag = self.flags.get(node.get('flag'), self.default_flag)
            result.append(Finding(self.name, rule_id, flag, text,
                    _short_location(node.get('location', ''))))
        return result


def _in_large_stack(func):
    """Run func in a thread with a large stack and wait for it.

    Compiling a deep stylesheet overflows the stack of a server's request
    thread (Saxon stops the whole process).  The main thread's stack grows
    on demand, and a forked worker cannot start Saxon in a new thread: there
    func runs in place."""
    if threading.current_thread() is threading.main_thread():
        return func()
    errors = []

    def run():
        try:
            func()
        except Exception as error:
            errors.append(error)
    previous = threading.stack_size(COMPILE_STACK)
    try:
        thread = threading.Thread(target=run, name='saxon-compile')
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if errors:
        raise errors[0]


def _leading_id(text):
    "The rule id that starts a text like '[BR-52]-Each ...'"
    match = _LEADING_ID.match(text)
    return match.group(1) if match else ''


def _short_location(location):
    "'/*:A[namespace-uri()='...'][1]/*:B[...][2]' -> '/A[1]/B[2]'"
    return _NAMESPACED_STEP.sub(r'\1', location)


def parse(xml):
    "Parse XML bytes once into the document all schematrons then read"
    return _Saxon.parse(xml)


def attached():
    "Keep this thread attached to Saxon across several calls"
    return _Saxon.attached()
