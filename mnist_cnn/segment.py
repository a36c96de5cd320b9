"""Split a picture of a whole number ("2024") into its digits, left to right.

Works on the ink map made by `preprocess.ink_of`, in five steps:

    connected strokes, without specks
    -> join strokes stacked above one another (the two strokes of a 4, the flag of a 5)
    -> join neighbours when the network reads them better as one digit than apart (a broken 8)
    -> cut pieces the network cannot read as one digit at their thinnest columns, into the parts it
       reads best (touching digits), or as the number reader (`reader`) reads them
    -> where the number reader, reading all the strokes at once, surely sees more digits than the cuts made,
       cut them again as it reads them (`recount`: a 1 pressed into its neighbour)

The network's judgement comes in as `confidence`: a function from pieces of ink to how sure the
network is that each is one digit (all at once, so that the candidate cuts of a piece are read in one
batch). Each returned piece is the ink of one digit, ready for `preprocess.digit_from_ink`.

Before and after those steps the picture as a whole is asked whether it looks like a row of digits
at all (`doubt`): strokes drawn inside other strokes (eyes in a face, marks in a doodle) say it does
not; digits that do not sit on one line, of wildly different sizes, or closer together than digits
are written (shading), say so unless the network reads the whole picture clearly as one digit. Either
way a picture in doubt is read whole.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
from scipy import ndimage

from mnist_cnn.config import UNSURE_BELOW
from mnist_cnn.preprocess import RIM, find_strokes

if TYPE_CHECKING:
    from mnist_cnn.sequence import Read

SPECK_SHARE = 0.02
"""Strokes with less ink than this share of the biggest stroke are specks. Smaller than a single
digit's SPECK_AREA: a small digit, or a broken piece of one, beside a big bold digit is no speck."""

JOIN_OVERLAP = 0.4
"""Two strokes whose columns overlap by this share of the narrower one belong to one digit."""

NEAR = 0.2
"""Neighbours closer than this share of the height may be pieces of one digit (a broken-off part reaches further:
FRAGMENT_REACH)."""

FRAGMENT = 0.5
"""A piece less tall than this share of the line's tallest piece (`digit_height`) is a broken-off part, not a digit.
With the plain median, a stub broken off a digit counted as a digit of its own whenever it was more than half their
mean height (scans kept at 8-16 pixels in black and white: held-out digits read 96.0 -> 96.2 %, 1,000 with seed 8).
With the upper median, a 1 whose pen skipped twice (three beads, each read surely as a 1) outnumbered the digits
beside it and set the line's height itself, so no bead was a fragment: the photo of "106" (small numbers, seed 2)
was doubted for mixed sizes. Held-out photos (seed 1, 100 of each of seven kinds), numbers composed of held-out
digits (seed 5, 200 of each of eight kinds) and the uncertainty drawings (seed 777, 100 of each) read exactly as
with the upper median."""

FRAGMENT_REACH = 0.5, 2.0
"""A broken-off part (see FRAGMENT) is joined across a wider gap than NEAR and into a wider digit than WIDEST:
this share of the height away, and this many times the height wide. A 5's flag drawn long, or parted from its
body by a thin pen that broke, stands further off than digits' own pieces do, and a part left alone makes the
whole number doubtful (MIXED_SIZES)."""

BETTER = 0.1
"""Neighbours are joined only when that raises the network's confidence by more than this."""

MOST_CUTS = 12
"""At most this many of the thinnest columns are tried as cuts between touching digits."""

WIDEST = 1.6
"""No digit is wider than this many times its height: neighbours are not joined beyond it (a broken-off part may
make one wider: FRAGMENT_REACH), and no part cut from touching digits is wider."""

NARROWEST = 0.3
"""No part cut from touching digits is narrower than this share of the height."""

PART_WIDTH = 0.5
"""Digits cut apart where they touch are on average at least this share of their height wide: a piece cut
into k parts is at least k times this wide. A tangle sliced into narrow strips that each look like a digit
is not touching digits (measured: `python -m benchmarks.uncertainty`, `python -m benchmarks.read_numbers`)."""

PART_SURE = 0.8
"""Every part cut from touching digits must be read at least this surely: more surely than a digit on its own
(UNSURE_BELOW), since the cut itself was chosen as the one whose parts look most like digits. A tangle cut into
strips that each look a little like a digit stays whole. Chosen on tangles drawn with seed 777 and four-digit
numbers composed from the held-out training images (`python -m benchmarks.read_numbers`' gaps): from 0.5 to 0.8,
tangles caught 93.3 % -> 96.0 %, touching numbers read 68.5 % -> 66.8 %, numbers with gaps unchanged (98.5 %)."""

READER_SURE = 0.7
"""The number reader's digits are taken for a piece the network cannot read as one digit only when the reader
is at least this sure of each of them. A piece the network reads clearly as one digit is given to the reader only
when it is wide (WIDE): letting a reader 98 % sure overrule the network on any piece changed 3 of 1,000 held-out
single digits, each for the worse.
An earlier reader, trained without pictures of no digit, read random noise of 200-300 px surely as "18" (0.81-0.91
sure), so this was 0.95. The reader that ships learnt to read no digits in noise and doodles; with it, on the
first 600 touching numbers `benchmarks.read_numbers --held-out --seed 5` composes, 0.95 -> 0.7 -> 0.5 read
518 -> 534 -> 535 exactly and 38 -> 40 -> 48 wrong but sure: 0.7 takes nearly all the gain for few more confident
mistakes. Held-out single digits (all 5,000), 1,000 generated ones, noise of 150-400 px (200) and the
uncertainty drawings read the same."""

WIDE = 1.15
"""A piece at least this many times as wide as it is tall, which the network reads clearly as one digit, is still
shown to the number reader: two digits written close ("17", "66", "21") often look to the network like one wide
digit. It is cut where the reader sees several digits surely (READER_SURE) only when the network then reads every
part surely (PART_SURE) and more surely than it read the whole piece. Chosen on the first 600 touching numbers
`benchmarks.read_numbers --held-out --seed 5` composes and on USPS's 7,291 training scans (the first 3,000, kept at
12 px in grey and in black and white and at 16 px): touching numbers read exactly 90.5 -> 91.2 %, wrong count
6.7 -> 6.0 %, numbers with gaps 98.3 % as before, and no USPS scan read differently. At 1.0 USPS keeps a round 0
as wide as tall; without "more surely than the whole" six such 0s were read "10", "03" or "02"."""

RECOUNT_SURE = READER_SURE
"""Where the number reader, reading all of a number's strokes at once, is at least this sure of each digit and sees
more digits than `segment` cut (two or more parts), the strokes are cut again into the digits the reader read
(`recount`): a 1 pressed into its neighbour is lost by the cuts more often than by the reader seeing the whole
number. Where the reader sees fewer, the cuts stand: the gaps between digits are surer than the reader (spaced
numbers lost 6 and gained 2 of 600 when either count could win). Measured on numbers composed from the held-out
training images (`benchmarks.read_numbers --held-out`, seeds 5 and 6, 600 of four digits and 300 each of two and
six): touching four-digit numbers read exactly 547 -> 554 and 544 -> 560 (a wrong count of digits 6.0 -> 4.5 % and
7.5 -> 4.7 %), six-digit ones 253 -> 263 and 260 -> 270, two-digit ones 285 -> 284 and 289 -> 289, numbers with
gaps 591 -> 591 and 587 -> 586, in one stroke 524 -> 524 and 527 -> 527; touching numbers in a corner of a canvas
three times as wide (seed 9, 300) 264 -> 269; the uncertainty drawings (seed 777, 150 of each kind) as before."""

SURE_CUTS = 0.95
"""Where the network reads every part the cuts made at least this surely, the number reader must be at least this
sure of each digit it sees (not RECOUNT_SURE) to cut the strokes again: such cuts are seldom wrong, and a reader
less sure that sees a digit more there most often sees a 4 or a 6 as "11" or "13" ("8494" read "81194").
Measured as RECOUNT_SURE was (held-out numbers, touching and with gaps, 600 of each): of the recounts taken before,
this keeps 5 that broke a number from breaking it on seeds 5 and 6, and 6 on seeds 7 and 8 (looked at only after
choosing), and loses none that mended one. The neighbouring values, 0.9-0.99 for either share, gained 3-8 on each
pair of seeds. Seed 9, every kind `benchmarks.read_numbers` composes (600 of four digits, 300 of each hard case):
touching four-digit numbers read exactly 545 -> 546, two 284 -> 285, three 282 -> 281, five 271 -> 273, the rest
as before."""

MOST_STROKES = 40
"""A picture with more separate strokes than this is not a row of digits: it is read as one picture."""

INSIDE = 0.1
"""A stroke whose box lies inside another stroke's box, by more than this share of that box's height and
width on every side, and whose centre lies within that stroke's outline (its convex hull), is drawn inside it: an
eye in a face, a mark in a doodle. A speck beside a slanted 1 lies inside the 1's box, but not within its
outline. A digit's own strokes meet at its edges (a 5's flag, a 4's stem), so they are never inside one another
by this measure."""

FLECK = 0.25
"""One small stroke inside another, less than this share of its height and width, is a fleck of the scan (dust,
or a grey pixel a binarized scan kept), not a drawing: a face has two eyes, a doodle two or more marks."""

ONE_LINE = 0.3
"""Neighbouring digits of a number share at least this share of the smaller one's rows: they sit on one line."""

SIZES = 3.0
"""The tallest digit of a number is at most this many times taller than the shortest."""

SHADING = 0.4
"""Three or more strokes whose centres are on average closer than this share of their height are shading
(parallel lines), not digits: digits of a number, even 1s, stand further apart. Chosen on hatching drawn with
seed 777 (the ones read as "111".."1111111" had centres 0.13-0.38 of the height apart) and numbers of three and
four 1s composed from the held-out training images with the four-digit benchmark's gaps (5 % closer than 0.44):
hatching caught 91.7 % -> 99.7 %, those all-1 numbers read 97.7 % -> 96.3 %, other four-digit numbers unchanged."""

NESTED = "Some strokes are drawn inside others: this looks like a drawing, not digits."
OFF_LINE = "The pieces do not sit on one line, as the digits of a number do."
MIXED_SIZES = "The pieces are of very different sizes, unlike the digits of a number."
SHADED = "The strokes stand closer together than the digits of a number: this looks like shading, not digits."
DOUBTS = (NESTED, OFF_LINE, MIXED_SIZES, SHADED)
"""Every reason `segment` may give for doubting that a picture is a number: a page says each in its own words."""

Confidence = Callable[[list[np.ndarray]], list[float]]
Reader = Callable[[np.ndarray], "Read"]
"""The digits a piece of ink holds as the number reader sees them (`mnist_cnn.sequence.Read`)."""
Part = tuple[np.ndarray, "np.ndarray | None"]
"""A digit's ink, and the number reader's ten probabilities for it where the reader read it."""


@dataclass(frozen=True)
class Segmentation:
    """The ink of each digit, left to right; `doubt` says in one sentence why the picture as a whole does not
    look like a row of digits (None when it does)."""

    parts: list[np.ndarray]
    doubt: str | None = None
    read: list[np.ndarray | None] | None = None
    """For each part the number reader read (touching digits), its ten probabilities; None for the others."""


class Pieces:
    """The strokes of a picture (found as `preprocess.find_strokes` finds them, specks dropped) and the ink of
    any group of them."""

    def __init__(self, ink: np.ndarray) -> None:
        self.ink = ink
        found = find_strokes(ink)
        self.labels = found.labels
        specks = found.specks(SPECK_SHARE)
        self.strokes = {
            i + 1: [rows.start, rows.stop, cols.start, cols.stop]
            for i, ((rows, cols), speck) in enumerate(zip(found.boxes, specks))
            if not speck
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


def digit_height(heights: list[int]) -> float:
    """The height a line's digits have, from its pieces' heights: the tallest piece's (see FRAGMENT)."""
    return float(max(heights))


def join_broken(pieces: Pieces, groups: list[frozenset[int]], confidence: Confidence) -> list[frozenset[int]]:
    """Join close neighbours, best pair first, while the network reads them as one digit clearly better
    than the weaker of the two (a piece far shorter than the line's digits counts as no digit at all)
    and not worse than the stronger."""
    sure = dict(zip(groups, confidence([pieces.ink_of(g) for g in groups])))
    line_height = digit_height([pieces.box(g)[1] - pieces.box(g)[0] for g in groups])

    def fragment(group: frozenset[int]) -> bool:
        top, bottom = pieces.box(group)[:2]
        return bottom - top < FRAGMENT * line_height

    def alone(group: frozenset[int]) -> float:
        return 0.0 if fragment(group) else sure[group]

    while len(groups) > 1:
        best, gain = None, BETTER
        for a, b in zip(groups, groups[1:]):
            box_a, box_b, both = pieces.box(a), pieces.box(b), pieces.box(a | b)
            height = both[1] - both[0]
            near, widest = FRAGMENT_REACH if fragment(a) or fragment(b) else (NEAR, WIDEST)
            if -overlap(box_a, box_b) > near * height or both[3] - both[2] > widest * height:
                continue
            if (a | b) not in sure:
                sure[a | b] = confidence([pieces.ink_of(a | b)])[0]
            joined = sure[a | b]
            if joined > max(sure[a], sure[b]) - BETTER and joined - min(alone(a), alone(b)) > gain:
                best, gain = (a, b), joined - min(alone(a), alone(b))
        if best is None:
            break
        at = groups.index(best[0])
        groups[at : at + 2] = [best[0] | best[1]]
    return groups


def nested(pieces: Pieces) -> bool:
    """Whether strokes lie well inside another stroke (see INSIDE): two or more, or one that is no fleck (see
    FLECK)."""
    for index, outer in pieces.strokes.items():
        height, width = outer[1] - outer[0], outer[3] - outer[2]
        margin_rows, margin_cols = INSIDE * height, INSIDE * width
        inside = [inner for other, inner in pieces.strokes.items()
                  if other != index and inner[0] - outer[0] > margin_rows and outer[1] - inner[1] > margin_rows
                  and inner[2] - outer[2] > margin_cols and outer[3] - inner[3] > margin_cols]
        if inside:
            inside = within_hull(pieces, index, inside)
        if len(inside) > 1 or any(inner[1] - inner[0] > FLECK * height or inner[3] - inner[2] > FLECK * width
                                  for inner in inside):
            return True
    return False


def within_hull(pieces: Pieces, index: int, boxes: list[list[int]]) -> list[list[int]]:
    """Those of `boxes` whose centre lies within the outline of stroke `index` pulled tight around it (its convex
    hull): an eye within a face's outline is, a speck beside a slanted 1, inside the 1's box, is not."""
    top, bottom, left, right = pieces.strokes[index]
    rows, cols = np.nonzero(pieces.labels[top:bottom, left:right] == index)
    hull = cv2.convexHull(np.stack([cols + left, rows + top], axis=1).astype(np.float32))
    return [box for box in boxes
            if cv2.pointPolygonTest(hull, ((box[2] + box[3]) / 2, (box[0] + box[1]) / 2), False) >= 0]


def layout_doubt(rows: list[tuple[int, int]]) -> str | None:
    """Why digits with these row ranges (top, bottom), left to right, are not a number; None when they can be."""
    heights = [bottom - top for top, bottom in rows]
    if max(heights) > SIZES * max(1, min(heights)):
        return MIXED_SIZES
    for (top_a, bottom_a), (top_b, bottom_b) in zip(rows, rows[1:]):
        shared = min(bottom_a, bottom_b) - max(top_a, top_b)
        if shared < ONE_LINE * min(bottom_a - top_a, bottom_b - top_b):
            return OFF_LINE
    return None


def shaded(boxes: list[list[int]]) -> bool:
    """Whether three or more pieces with these boxes [top, bottom, left, right] stand as close as shading's
    lines (see SHADING)."""
    if len(boxes) < 3:
        return False
    centres = sorted((left + right) / 2 for _, _, left, right in boxes)
    height = float(np.median([bottom - top for top, bottom, _, _ in boxes]))
    return float(np.mean(np.diff(centres))) < SHADING * height


def ink_rows(part: np.ndarray, top: int) -> tuple[int, int]:
    """The rows (top, bottom) a part's strokes span in the picture, given the row its window starts at."""
    rows = np.flatnonzero((part > 0.5).any(axis=1))
    return (top, top + part.shape[0]) if len(rows) == 0 else (top + int(rows[0]), top + int(rows[-1]) + 1)


def best_cuts(edges: list[int], spans: list[tuple[int, int]], sure: dict, count: int | None = None) -> list:
    """The spans (i, j) between `edges` that cut a piece into the parts the network is jointly surest of (the
    highest sum of log-confidences), exactly `count` of them when given; [] when there is no such way."""
    most = count or len(edges) - 1
    best = np.full((most + 1, len(edges)), -np.inf)
    best[0, 0] = 0.0
    came = np.zeros((most + 1, len(edges)), int)
    for i, j in spans:  # in order of j: every way into edge j is scored before j is left
        gain = np.log(max(sure[i, j], 1e-6))
        for parts in range(1, most + 1):
            if best[parts - 1, i] + gain > best[parts, j]:
                best[parts, j], came[parts, j] = best[parts - 1, i] + gain, i
    wanted = count or int(np.argmax(best[:, -1]))
    if not np.isfinite(best[wanted, -1]):
        return []
    cuts, j = [], len(edges) - 1
    for parts in range(wanted, 0, -1):
        cuts.append((came[parts, j], j))
        j = came[parts, j]
    return cuts[::-1]


def on_a_path(edges: list[int], spans: list[tuple[int, int]], count: int | None = None) -> list[tuple[int, int]]:
    """Those of `spans` (in `cut_points`' order) that lie on some way of cutting the whole piece, from its first edge to
    its last, into `count` parts (any number when None): the only ones `best_cuts` can choose, and the only ones
    worth the network's reading."""
    most = count or len(edges) - 1
    reach = np.zeros((most + 1, len(edges)), bool)  # reach[p, e]: edge e is p parts from the first edge
    reach[0, 0] = True
    for i, j in spans:
        reach[1:, j] |= reach[:-1, i]
    left = np.zeros((most + 1, len(edges)), bool)  # left[q, e]: the last edge is q parts from edge e
    left[0, -1] = True
    for i, j in sorted(spans, reverse=True):
        left[1:, i] |= left[:-1, j]
    if not count:
        return [(i, j) for i, j in spans if reach[:-1, i].any() and left[:-1, j].any()]
    return [(i, j) for i, j in spans if (reach[:-1, i] & left[::-1][1:, j]).any()]


def cut_points(ink: np.ndarray) -> tuple[list[int], list[tuple[int, int]]]:
    """Where a piece may be cut: its edges and its thinnest columns (local minima of the ink per column, at most
    MOST_CUTS of them), and the spans between two of those as wide as a digit may be."""
    height, width = ink.shape
    narrowest = max(2, int(NARROWEST * height))
    profile = ndimage.uniform_filter1d(ink.sum(axis=0), size=max(3, height // 10))
    inside = np.arange(narrowest, width - narrowest + 1)
    minima = [x for x in inside if profile[x] <= profile[x - 1] and profile[x] <= profile[min(x + 1, width - 1)]]
    edges = [0, *sorted(sorted(minima, key=lambda x: profile[x])[:MOST_CUTS]), width]
    spans = [(i, j) for j in range(1, len(edges)) for i in range(j)
             if narrowest <= edges[j] - edges[i] <= WIDEST * height]
    return edges, spans


def split_touching(ink: np.ndarray, confidence: Confidence, reader: Reader | None = None) -> list[Part]:
    """Cut a piece the network cannot read as one digit into the parts it reads best: touching digits.

    With a `reader` (`mnist_cnn.sequence`) sure of every digit it sees in the piece, the piece holds those digits:
    it is cut at its thinnest columns into as many parts as the network is jointly surest of, and each part
    carries the reader's probabilities for its digit. A piece the network reads clearly as one digit stays whole,
    unless it is wide (WIDE), the reader reads it surely as several digits, and the network reads those parts
    more surely than the whole. Otherwise, of all ways to cut at the thinnest columns, the one whose parts the
    network is jointly surest of (the highest sum of log-confidences) wins, which may be no cut at all."""
    height, width = ink.shape
    # too narrow for two parts (see PART_WIDTH; a 1 touching its neighbour is narrower, which a reader sees)
    if width < max(2 * max(2, int(NARROWEST * height)), 0 if reader else 2 * PART_WIDTH * height):
        return [(ink, None)]
    whole = confidence([ink])[0]
    one = whole >= UNSURE_BELOW
    if one and (reader is None or width < WIDE * height):
        return [(ink, None)]  # one digit
    read = None if reader is None else reader(ink)
    if read is not None and len(read.digits) >= 2 and read.sure >= READER_SURE:
        parts = as_read(ink, read, confidence)
        if not one:
            return parts
        least = min(confidence([part for part, _ in parts]))
        if least >= PART_SURE and least > whole:  # the network, too, reads the parts more surely
            return parts
    if one:
        return [(ink, None)]
    edges, spans = cut_points(ink)
    spans = on_a_path(edges, spans)
    sure = dict(zip(spans, confidence([ink[:, edges[i] : edges[j]] for i, j in spans])))
    cuts = best_cuts(edges, spans, sure)
    parts = [ink[:, edges[i] : edges[j]] for i, j in cuts]
    # every part must read surely as a digit on its own (halves of one unclear digit rarely both do), and be as
    # wide as digits side by side are
    if len(parts) < 2 or min(sure[cut] for cut in cuts) < PART_SURE or width < len(parts) * PART_WIDTH * height:
        return [(ink, None)]
    return [(part, None) for part in parts]


def as_read(ink: np.ndarray, read: "Read", confidence: Confidence) -> list[Part]:
    """A piece cut into the digits the reader read in it, each part with the reader's probabilities: cut at the
    thinnest columns where the network is surest of the parts, or evenly where there is no such way."""
    count = len(read.digits)
    edges, spans = cut_points(ink)
    spans = on_a_path(edges, spans, count)
    cuts = best_cuts(edges, spans, dict(zip(spans, confidence([ink[:, edges[i] : edges[j]] for i, j in spans]))),
                     count)
    if cuts:
        parts = [ink[:, edges[i] : edges[j]] for i, j in cuts]
    else:
        even = np.linspace(0, ink.shape[1], count + 1).round().astype(int)
        parts = [ink[:, a:b] for a, b in zip(even, even[1:])]
    return list(zip(parts, read.probabilities))


def recount(pieces: Pieces, groups: list[frozenset[int]], parts: list[np.ndarray], read: list,
            confidence: Confidence, reader: Reader) -> tuple[list[np.ndarray], list]:
    """The parts cut again as the number reader reads all the strokes at once, where it surely sees more digits than
    the cuts made (RECOUNT_SURE, or SURE_CUTS where the network reads every part surely) and every part it gives
    holds a digit the network can read; else the parts as they were."""
    strokes = pieces.ink_of(frozenset().union(*groups))  # every digit's strokes, cropped to them, without specks
    whole = reader(strokes)
    sure_cuts = min(confidence(parts)) >= SURE_CUTS
    if len(whole.digits) <= len(parts) or whole.sure < (SURE_CUTS if sure_cuts else RECOUNT_SURE):
        return parts, read
    again = as_read(strokes, whole, confidence)
    if min(confidence([part for part, _ in again])) <= 0:  # an empty slice: no digit the network can read
        return parts, read
    return [part for part, _ in again], [probabilities for _, probabilities in again]


def segment(ink: np.ndarray, confidence: Confidence, cut: bool = True, reader: Reader | None = None) -> Segmentation:
    """The ink of each digit in the picture, left to right (none when there is none), and any doubt that the
    picture is a row of digits at all. Without `cut`, touching digits are not cut apart: each group of strokes is
    read whole, at a fraction of the cost (for a drawing still in progress, whose cuts no one will see)."""
    pieces = Pieces(ink)
    if not pieces.strokes:
        return Segmentation([])
    if len(pieces.strokes) > MOST_STROKES:
        return Segmentation([ink])  # noise or a drawing, not a row of digits: read it whole
    if nested(pieces):
        return Segmentation([ink], NESTED)
    groups = join_stacked(pieces)
    if len(groups) > 1:
        groups = join_broken(pieces, groups, confidence)
    parts, rows, read = [], [], []
    for group in groups:
        top = max(0, pieces.box(group)[0] - RIM)
        whole = pieces.ink_of(group)
        for part, probabilities in split_touching(whole, confidence, reader) if cut else [(whole, None)]:
            parts.append(part)
            read.append(probabilities)
            rows.append(ink_rows(part, top))
    doubt = layout_doubt(rows) if len(parts) > 1 else None
    if doubt is None and shaded([pieces.box(group) for group in groups]):
        doubt = SHADED
    if doubt is None and cut and reader is not None and len(parts) > 1:
        parts, read = recount(pieces, groups, parts, read, confidence, reader)
    if doubt is None:
        return Segmentation(parts, read=read)
    # not a row of digits: read it whole, and doubt it unless the network reads it clearly as one digit
    return Segmentation([ink], None if confidence([ink])[0] >= UNSURE_BELOW else doubt)
