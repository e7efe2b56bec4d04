"""Customer and contract ranges (bornes début / fin), in Tryton's order.

Tryton sorts sequence numbers and codes by length then text ("9" < "10"),
so ranges compare the same way; an empty bound is open.
"""


def natural_key(value):
    value = value or ''
    return (len(value), value)


def in_range(value, low=None, high=None):
    if value is None:
        return low is None and high is None
    key = natural_key(value)
    if low is not None and key < natural_key(low):
        return False
    if high is not None and key > natural_key(high):
        return False
    return True


def ranges_overlap(a_low, a_high, b_low, b_high):
    "Whether two ranges (None = open bound) share at least one value."
    if a_high is not None and b_low is not None:
        if natural_key(a_high) < natural_key(b_low):
            return False
    if b_high is not None and a_low is not None:
        if natural_key(b_high) < natural_key(a_low):
            return False
    return True
