"""Service messages: one convention (``civic.errors.N_``), translated once where errors are
rendered, and every message id has a Korean translation in some catalog."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from civic.errors import N_, Message, NotFound, ValidationFailed, translate
from civic.i18n import translation_dirs

PACKAGE = Path(__file__).resolve().parent.parent / "civic"


def service_message_ids() -> dict[str, str]:
    """Every literal message id given to ``N_`` in civic/, with where it is."""
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                found.setdefault(node.args[0].value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def korean_catalog() -> dict[str, str]:
    translated: dict[str, str] = {}
    for directory in translation_dirs():
        for po in directory.glob("ko/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                for message in read_po(fh):
                    if message.id and message.string and not message.context:
                        translated[str(message.id)] = str(message.string)
    return translated


def test_every_service_message_has_a_korean_translation():
    ids = service_message_ids()
    assert len(ids) > 100, "the scan found too few messages: it is broken"
    catalog = korean_catalog()
    missing = {msgid: where for msgid, where in ids.items() if msgid not in catalog}
    assert missing == {}


def test_no_other_convention_is_left():
    """No lazy strings, no translate-in-view helpers, no feature-local N_ in the services."""
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "_l(_l(" not in text, path
        assert "def localized(" not in text and "def _translated(" not in text, path
        if path.name not in ("errors.py",):
            assert "def N_(" not in text, path


def test_a_message_is_english_text_that_remembers_its_id():
    message = N_("Use at most %(n)d characters.", n=2000)
    assert message == "Use at most 2000 characters." and isinstance(message, Message)
    assert (message.msgid, message.params) == ("Use at most %(n)d characters.", {"n": 2000})
    assert str(ValidationFailed({"body": message}).errors["body"]) == "Use at most 2000 characters."


def test_messages_are_rendered_in_the_request_language(app):
    with app.test_request_context():
        with force_locale("ko"):
            assert translate(N_("Use at most %(n)d characters.", n=2000)) == "2000자 이내로 입력하세요."
            assert translate("plain text nobody translated") == "plain text nobody translated"
        with force_locale("en"):
            assert translate(N_("Use at most %(n)d characters.", n=2000)) == "Use at most 2000 characters."


@pytest.mark.parametrize("lang, expected", [("ko", "범위가 너무 넓습니다. 한 변은 최대 0.5°입니다."),
                                            ("en", "The box is too large: at most 0.5° on each side.")])
def test_api_problems_speak_the_request_language(client, lang, expected):
    response = client.get("/api/v1/reports?bbox=126,37,127.5,38", headers={"Accept-Language": lang})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]["bbox"] == expected


def test_pages_show_service_messages_in_korean(app, client):
    with app.test_request_context(), force_locale("ko"):
        assert translate(NotFound(N_("No such proposal.")).detail) != "No such proposal."
    assert isinstance(N_("x"), Message)


def test_every_message_gets_exactly_its_parameters():
    """A placeholder without its parameter would fail only when the error is raised."""
    import re

    wrong = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                if set(re.findall(r"%\((\w+)\)", node.args[0].value)) != {k.arg for k in node.keywords}:
                    wrong.append(f"{path.name}:{node.lineno}")
    assert wrong == []


# --- No plain text in a raised error --------------------------------------------------------------

# Errors whose arguments are codes, not messages: their own __init__ turns each code into an N_ message.
CODE_ARGUMENTS = {"LinkInvalid"}
# Errors that reach only the operator's terminal (a CLI prints them, in English like every CLI text).
OPERATOR_ONLY = {"ImportFailed"}  # flask places import
TRANSLATE_AT_ONCE = {"_", "_l", "gettext", "lazy_gettext"}


def civic_error_types() -> set[str]:
    """``civic.errors.DomainError`` and every class in civic/ derived from it (by base name)."""
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases)
    found = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def plain_text(node: ast.AST | None) -> bool:
    """A text that is not an ``N_`` message: a literal, an f-string, a formatted or concatenated
    string, a text translated where it is raised (``_``, ``_l``), or a dict holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return plain_text(node.left) or plain_text(node.right)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in TRANSLATE_AT_ONCE:
            return True
        return isinstance(node.func, ast.Attribute) and node.func.attr == "format" and plain_text(node.func.value)
    if isinstance(node, ast.Dict):
        return any(plain_text(value) for value in node.values)
    return False


def plain_messages(package: Path) -> list[str]:
    """Raises of a civic error type with a plain-text message, and plain texts put into an
    ``errors`` dict (which a ``ValidationFailed(errors)`` raises)."""
    types = civic_error_types() - CODE_ARGUMENTS - OPERATOR_ONLY
    found = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                arguments = [*node.exc.args, *(keyword.value for keyword in node.exc.keywords)]
                if name in types and any(plain_text(argument) for argument in arguments):
                    found.append(f"{where}:{node.lineno}: {ast.unparse(node.exc)[:100]}")
            elif isinstance(node, ast.Assign) and plain_text(node.value):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                            and target.value.id.endswith("errors"):
                        found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_no_plain_text_is_raised_to_a_person():
    """CONTRIBUTING, "Texts": every message of a civic error is ``N_(...)`` (logs and tests read
    English, the person reads their language); no f-string or plain English in a raise."""
    assert {"ValidationFailed", "NotFound", "InvalidCredentials", "JsonRejected", "EmailNotConfirmed"} \
        <= civic_error_types()
    assert plain_messages(PACKAGE) == []


def test_the_plain_text_finder_finds_plain_texts(tmp_path):
    package = tmp_path / "civic"
    package.mkdir()
    (package / "errors.py").write_text("class DomainError(Exception):\n    pass\n"
                                       "class NotFound(DomainError):\n    pass\n")
    (package / "service.py").write_text(
        "from civic.errors import N_, NotFound, ValidationFailed\n"
        "def a(n):\n    raise NotFound(f'No item {n}.')\n"
        "def b():\n    raise ValidationFailed({'n': 'Too many.'})\n"
        "def c():\n    errors = {}\n    errors['n'] = 'Too few.'\n    raise ValidationFailed(errors)\n"
        "def d():\n    raise NotFound(_('Gone.'))\n"
        "def e(n):\n    raise NotFound(N_('No item %(n)d.', n=n))\n"
        "def f(purpose):\n    raise LinkInvalid(purpose, 'used')\n"
        "def g():\n    raise RuntimeError('not for a person')\n")
    assert [line.split(":")[1] for line in plain_messages(package)] == ["3", "5", "8", "11"]
