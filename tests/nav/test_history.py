"""History on its own: what back and forward hand out, and what a new visit drops."""

from __future__ import annotations

from tui.nav.history import History


def test_back_and_forward_hand_back_the_visits_in_order() -> None:
    history: History[str] = History()
    assert history.back("a") is None and not history.can_back
    history.push("a")
    history.push("b")
    assert history.back("c") == "b"
    assert history.back("b") == "a"
    assert history.back("a") is None
    assert history.forward("a") == "b"
    assert history.forward("b") == "c"
    assert history.forward("c") is None


def test_a_new_visit_after_going_back_drops_what_was_ahead() -> None:
    history: History[str] = History()
    history.push("a")
    assert history.back("b") == "a"
    assert history.can_forward
    history.push("a")  # went somewhere else from "a"
    assert not history.can_forward
    assert history.previous() == "a"


def test_the_current_visit_is_what_was_handed_in_when_leaving() -> None:
    history: History[dict[str, int]] = History()
    history.push({"scroll": 1})
    here = {"scroll": 7}
    back = history.back(here)
    assert back == {"scroll": 1}
    assert history.forward(back) is here


def test_history_is_bounded() -> None:
    history: History[int] = History(limit=3)
    for n in range(10):
        history.push(n)
    assert len(history) == 3
    assert [history.back(-1), history.back(-1), history.back(-1), history.back(-1)] == [
        9,
        8,
        7,
        None,
    ]
    history.clear()
    assert len(history) == 0 and not history.can_back and not history.can_forward
