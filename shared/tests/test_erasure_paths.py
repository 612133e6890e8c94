"""A personal field named by its path (shared/erasure.py): taken out of an event's state to be
sealed, put back when the key opens it, read as erased at every place the path reaches when not."""

import copy

from shared.erasure import seal_paths, unseal_paths

PATHS = {"person": {"full_name": None}, "new.household[].name": None, "old.household[].name": None,
         "decision.party": {"full_name": None}, "reason": None}


def test_the_paths_are_taken_out_put_back_and_read_as_erased():
    event = {"person": {"full_name": "Anna Nowak"}, "reason": "akt urodzenia",
             "new": {"household": [{"name": "Anna Nowak", "relation": "wnioskodawca"},
                                   {"name": "Ola Nowak", "relation": "córka"}], "farmland_ha": "1.50"},
             "old": {"farmland_ha": "0.00"}, "decision": {"party": {"full_name": "Anna Nowak"}, "amount": "400.00"}}
    original = copy.deepcopy(event)
    state = dict(event)
    sealed = seal_paths(PATHS, state)
    assert event == original  # the event itself is not changed
    assert set(sealed) == {"person", "new.household[].name", "decision.party", "reason"}  # old has no household
    assert sealed["new.household[].name"] == ["Anna Nowak", "Ola Nowak"]
    assert "Anna" not in repr(state) and "Ola" not in repr(state) and "akt" not in repr(state)
    assert state["new"]["household"] == [{"relation": "wnioskodawca"}, {"relation": "córka"}]
    assert state["decision"] == {"amount": "400.00"} and state["old"] == {"farmland_ha": "0.00"}

    opened = copy.deepcopy(state)
    unseal_paths(opened, sealed, erased=False)
    assert opened == original

    erased = copy.deepcopy(state)
    unseal_paths(erased, PATHS, erased=True)
    assert erased["person"] == {"full_name": None} and erased["reason"] is None
    assert erased["new"]["household"] == [{"name": None, "relation": "wnioskodawca"},
                                          {"name": None, "relation": "córka"}]  # the household's size stays
    assert erased["decision"] == {"party": {"full_name": None}, "amount": "400.00"}
    assert erased["old"] == {"farmland_ha": "0.00"}  # a path that reaches nothing adds nothing
    erased["person"]["full_name"] = "x"
    assert PATHS["person"] == {"full_name": None}  # each reads its own copy of the erased value
