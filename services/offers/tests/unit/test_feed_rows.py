from offers.feed_rows import read_rows

CSV = (
    "remote_id;title;weeks;is_public;latitude;longitude\n"
    "A1;Boulanger;2027-W03,2027-W04;VRAI;48.1;-1.6\n"
    "A2;trop;de;colonnes;ici;1;2\n"
)


def test_csv_rows_get_lists_booleans_and_coordinates() -> None:
    first, second = read_rows(CSV, "csv")
    assert first.fields == {
        "remote_id": "A1",
        "title": "Boulanger",
        "weeks": ["2027-W03", "2027-W04"],
        "is_public": True,
        "coordinates": {"latitude": "48.1", "longitude": "-1.6"},
    }
    assert (second.number, second.fields) == (2, None)
    assert second.problem == "Nombre de colonnes incorrect."


def test_jsonl_keeps_line_numbers_and_flags_bad_lines() -> None:
    rows = list(read_rows('{"remote_id": "A"}\n\n{oops\n[1]\n', "jsonl"))
    assert [(r.number, r.fields is None) for r in rows] == [
        (1, False),
        (3, True),
        (4, True),
    ]
    assert rows[1].problem.startswith("JSON illisible")
