from casetrail.domain.reference_numbers import is_well_formed, reference_number, speakable


def test_the_first_references_are_five_digits_and_distinct():
    references = [reference_number(n) for n in range(1, 2001)]

    assert len(set(references)) == 2000
    assert all(len(r) == 5 and r.isdigit() for r in references[:9000])


def test_every_single_digit_typo_is_detected():
    reference = reference_number(4821)
    for position in range(len(reference)):
        for digit in "0123456789":
            typo = reference[:position] + digit + reference[position + 1:]
            assert is_well_formed(typo) == (typo == reference)


def test_references_are_read_digit_by_digit():
    assert speakable("48213") == "4 8 2 1 3"
