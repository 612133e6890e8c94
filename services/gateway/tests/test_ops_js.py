"""The pages' script (static/ops.js) run by Node with the little of a browser it touches: a form's
field marked data-type="records" is sent as a list of objects, one a line, its fields in the order
data-fields names (a date typed DD.MM.RRRR read as a date; empty parts and lines left out; an
empty field an empty list), and a refusal naming a field inside it ("household.birth_date") is
shown beside that field. The browser tests show it in Chromium (tests/browser)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

OPS_JS = Path(__file__).resolve().parents[1] / "static" / "ops.js"

HARNESS = """
const listeners = {}, shown = [];
const element = () => ({ setAttribute() {}, appendChild() {}, set textContent(t) { shown.push(t); } });
global.document = { querySelector: () => null, getElementById: () => null, createElement: element,
                    addEventListener: (type, f) => { listeners[type] = f; } };
global.window = { location: { reload() {}, assign() {} } };
let sent;
const answer = JSON.parse(process.argv[3]);
global.fetch = (url, options) => { sent = { url, body: JSON.parse(options.body) };
  return Promise.resolve({ ok: answer.ok, status: answer.ok ? 200 : 400, json: () => Promise.resolve(answer.json) }); };
require(process.argv[2]);
const field = { name: "household", type: "textarea", value: process.argv[4], disabled: false,
                dataset: { type: "records", fields: "name relation birth_date:date pesel" },
                setAttribute(name, value) { this[name] = value; }, insertAdjacentElement() { this.errorShown = true; },
                focus() {} };
const reason = { name: "reason", type: "textarea", value: "oświadczenie", required: true, dataset: {} };
const form = { dataset: { api: "/api/intake/persons/p/corrections/household" }, elements: [field, reason],
               querySelectorAll: () => [], querySelector: (s) => s === '[name="household"]' ? field : null };
listeners.submit({ target: form, preventDefault() {} });
setTimeout(() => { console.log(JSON.stringify({ sent, invalid: field["aria-invalid"] || null,
                                              shownBeside: !!field.errorShown, shown }));
                      process.exit(0); }, 10);  // the idle warning's timer would keep Node waiting
"""

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node runs the pages' script here")


def submitted(tmp_path, text: str, answer: dict) -> dict:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    done = subprocess.run(["node", str(harness), str(OPS_JS), json.dumps(answer), text], capture_output=True,
                          text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def test_a_records_field_is_sent_as_a_list_of_objects_one_a_line(tmp_path):
    result = submitted(tmp_path, "Jan Nowak; mąż; ; \n\n Zofia Nowak ; córka; 02.04.2015\nEwa Nowak;;;15240212345\n",
                       {"ok": True, "json": {}})
    assert result["sent"]["body"] == {"household": [
        {"name": "Jan Nowak", "relation": "mąż"},
        {"name": "Zofia Nowak", "relation": "córka", "birth_date": "2015-04-02"},
        {"name": "Ewa Nowak", "pesel": "15240212345"}], "reason": "oświadczenie"}
    assert submitted(tmp_path, "  \n", {"ok": True, "json": {}})["sent"]["body"]["household"] == []


def test_a_refusal_naming_a_field_of_a_record_is_shown_beside_the_records_field(tmp_path):
    refusal = {"error": "InvalidRequest", "field": "household.birth_date", "message": "household.birth_date must be "
               "a real date", "message_pl": "podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)"}
    result = submitted(tmp_path, "Zofia Nowak; córka; 31.02.2015", {"ok": False, "json": refusal})
    assert result["invalid"] == "true" and result["shownBeside"]
    assert result["shown"] == ["podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)"]
