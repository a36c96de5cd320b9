"""Split a picture of a whole number ("2024") into its digits, left to right.

Works on the ink map made by `preprocess.ink_of`, in four steps:

    connected strokes, without specks
    -> join strokes stacked above one another (the two strokes of a 4, the flag of a 5)
    -> join neighbours when the network reads them better as one digit than apart (a broken 8)
    -> cut pieces too wide for one digit at their thinnest columns, when the network cannot read
       the whole as one digit and reads every part better (touching digits)

The network's judgement comes in as `confidence`: a function from a piece of ink to how sure the
network is that it is one digit. Each returned piece is the ink of one digit, ready for
`preprocess.digit_from_ink`.
"""

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from mnist_cnn.config import UNSURE_BELOW
from mnist_cnn.preprocess import RIM, SPECK_AREA

JOIN_OVERLAP = 0.4
"""Two strokes whose columns overlap by this share of the narrower one belong to one digit."""

NEAR = 0.2
"""Neighbours closer than this share of the height may be pieces of one digit."""

BETTER = 0.1
"""A join or a cut is made only when it raises the network's confidence by more than this."""

WIDE = 1.15
"""A piece wider than this many times its height may hold two or more touching digits."""

WIDEST = 1.6
"""No digit is wider than this many times its height: neighbours are not joined beyond it."""

FAINT = 0.25
"""Ink this faint belongs to a stroke when it touches ink above one half: faint digits stay whole."""

NARROWEST = 0.3
"""No part cut from touching digits is narrower than this share of the height."""

MOST_STROKES = 40
"""A picture with more separate strokes than this is not a row of digits: it is read as one picture."""

Confidence = Callable[[np.ndarray], float]

EIGHT_CONNECTED = np.ones((3, 3), dtype=bool)


class Pieces:
    """The strokes of a picture (labelled, specks dropped) and the ink of any group of them."""

    def __init__(self, ink: np.ndarray) -> None:
        self.ink = ink
        self.labels, count = ndimage.label(ink > FAINT, structure=EIGHT_CONNECTED)
        index = np.arange(1, count + 1)
        areas = ndimage.sum_labels(ink > 0.5, self.labels, index)
        boxes = ndimage.find_objects(self.labels)
        self.strokes = {
            i: [rows.start, rows.stop, cols.start, cols.stop]
            for i, (rows, cols), area in zip(index, boxes, areas)
            if area >= max(2.0, SPECK_AREA * areas.max(initial=0))
        }

    def box(self, group: frozenset[int]) -> list[int]:
        """[top, bottom, left, right] around a group of strokes."""
        boxes = [self.strokes[i] for i in group]
        return [min(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes), max(b[3] for b in boxes)]

    def ink_of(self, group: frozenset[int]) -> np.ndarray:
        """The ink of a group's strokes with their anti-aliased rim, none of the neighbours', at full contrast."""
        top, bottom, left, right = self.box(group)
        window = (slice(max(0, top - RIM), bottom + RIM), slice(max(0, left - RIM), right + RIM))
        labels = self.labels[window]
        mine = np.isin(labels, list(group))
        keep = ndimage.binary_dilation(mine, iterations=RIM) & ~((labels > 0) & ~mine)
        piece = np.where(keep, self.ink[window], 0.0).astype(np.float32)
        # a faint digit beside dark ones is as much a digit: give each its own full contrast
        return np.clip(piece / max(float(piece.max()), 1e-6), 0, 1)


def overlap(a: list[int], b: list[int]) -> int:
    """How many columns two boxes share (negative: the gap between them)."""
    return min(a[3], b[3]) - max(a[2], b[2])


def join_stacked(pieces: Pieces) -> list[frozenset[int]]:
    """Group strokes whose columns overlap enough, sweeping left to right."""
    groups: list[frozenset[int]] = []
    for index in sorted(pieces.strokes, key=lambda i: pieces.strokes[i][2]):
        if groups:
            box, stroke = pieces.box(groups[-1]), pieces.strokes[index]
            if overlap(box, stroke) > JOIN_OVERLAP * min(box[3] - box[2], stroke[3] - stroke[2]):
                groups[-1] |= {index}
                continue
        groups.append(frozenset([index]))
    return groups


def join_broken(pieces: Pieces, groups: list[frozenset[int]], confidence: Confidence) -> list[frozenset[int]]:
    """Join close neighbours, best pair first, while the network is clearly surer of them as one digit."""
    sure = {g: confidence(pieces.ink_of(g)) for g in groups}
    while len(groups) > 1:
        best, gain = None, BETTER
        for a, b in zip(groups, groups[1:]):
            box_a, box_b, both = pieces.box(a), pieces.box(b), pieces.box(a | b)
            height = both[1] - both[0]
            if -overlap(box_a, box_b) > NEAR * height or both[3] - both[2] > WIDEST * height:
                continue
            if (a | b) not in sure:
                sure[a | b] = confidence(pieces.ink_of(a | b))
            if sure[a | b] - min(sure[a], sure[b]) > gain:
                best, gain = (a, b), sure[a | b] - min(sure[a], sure[b])
        if best is None:
            break
        at = groups.index(best[0])
        groups[at : at + 2] = [best[0] | best[1]]
    return groups


def split_wide(ink: np.ndarray, confidence: Confidence) -> list[np.ndarray]:
    """Cut the ink of touching digits at the thinnest columns, into as many parts as its width suggests,
    when the network cannot read the whole as one digit and is clearly surer of every part (some digits
    are just wide)."""
    height, width = ink.shape
    whole = confidence(ink) if width > WIDE * height else 1.0
    if whole >= UNSURE_BELOW:
        return [ink]
    parts_wanted = max(2, round(width / (0.8 * height)))
    profile = ndimage.uniform_filter1d(ink.sum(axis=0), size=3)
    cuts, start = [], 0
    for k in range(1, parts_wanted):
        low = max(start + int(NARROWEST * height), int(width * (k - 0.5) / parts_wanted))
        high = min(width - int(NARROWEST * height), int(width * (k + 0.5) / parts_wanted))
        if high > low:
            start = low + int(np.argmin(profile[low:high]))
            cuts.append(start)
    edges = [0, *cuts, width]
    parts = [ink[:, a:b] for a, b in zip(edges[:-1], edges[1:])]
    if len(parts) < 2 or min(confidence(p) for p in parts) - whole <= BETTER:
        return [ink]
    return parts


def segment(ink: np.ndarray, confidence: Confidence) -> list[np.ndarray]:
    """The ink of each digit in the picture, left to right (an empty list when there is none)."""
    pieces = Pieces(ink)
    if len(pieces.strokes) > MOST_STROKES:
        return [ink]  # noise or a drawing, not a row of digits: read it whole
    groups = join_stacked(pieces)
    if len(groups) > 1:
        groups = join_broken(pieces, groups, confidence)
    return [part for group in groups for part in split_wide(pieces.ink_of(group), confidence)]
