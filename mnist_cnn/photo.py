"""Find the writing in a phone photo of a page: the paper first, then the pen on it.

A photo taken over a notebook shows more than the digit: the desk around the page (or in its corners), the page's
ruling, squares and margin line, light falling from one side. `writing` takes such a photo apart the way document
scanners do, with OpenCV:

    paper:    the page is the bright region the desk's edge encloses (found on a copy with the pen and the ruling
              closed away); a whole page seen at an angle is warped flat, a page larger than the photo is masked
    ink:      the pen against the paper's local light (coloured ruling is paper to the brightest channel)
    ruling:   the page turned upright by the angle that lines its printing up (within 12 degrees, or up to 45 on a
              notebook photographed askew), then the long lines across it taken away (an opening along each
              direction, whatever their spacing, width and colour)
    writing:  the strongest cluster of strokes, cropped with a rim: the ink of one digit or a number

and returns that crop as an ink map for `preprocess` to finish, or NOT_A_PAGE for pictures that are not such a
photo (drawings, scans, a digit that fills the frame), which keep today's path.
"""

import cv2
import numpy as np
from PIL import Image

cv2.setNumThreads(1)  # the server runs one reading per CPU already

NOT_A_PAGE = "not a page"
"""`writing`'s answer for a picture that is not a photo of a page with small writing on it."""

SMALLEST = 600
"""Photos of a page are at least this many pixels on their longer side; smaller pictures keep today's path."""
DETECT = 480
"""The paper is looked for on a copy this many pixels on its longer side."""
WORK = 1280
"""The pen is looked for on the page at most this many pixels on its longer side."""
EDGE = 0.06
"""A change of light this strong across three pixels of the copy (the pen and ruling closed away) is an edge:
the page against the desk. Light falling off across the page and soft shadows change far less."""
PAGE_LEAST = 0.08
"""The paper covers at least this share of the photo."""
AROUND = (48, 64)
"""A page is told from a hole in the writing by what lies between these many pixels of the copy around it:
beyond the widest pen (a marker's line on a digit that fills the photo is up to about 40 pixels of the copy)."""
AS_LIGHT = 0.97
"""Around a hole in the writing, the lighter part (its upper quartile) is paper at least this light against the
hole's median; around a page, a desk is darker."""
FILLS = 0.97
"""Paper over this share of the photo: there is no desk to mask."""
RULED = 3
"""A page with at least this many lines along most of it (SPANS) is ruled or squared paper; a long stroke of a
big digit is one line at most."""
SPANS = 0.6
BIG_WRITING = 0.35
"""Writing taller than this share of a page that fills the photo is left to today's path, which reads a digit that
fills the frame well (its strokes are wider than this path's idea of the paper's local light). On a page on a desk
it stays on this path: today's would read the page itself as ink."""
LINE = 4
"""A ruling line runs along at least 1/LINE of the page: longer than any stroke of a digit written on it (a 1 as
tall as two lines of ruling, or more)."""
LINE_INK = 0.03
"""A line fainter than this (ink strength) is left alone: it is paper texture, not ruling."""
PEN_OVER_LINE = 0.15
"""Ink this much stronger than the line under it is a stroke drawn along the line."""
FAINTEST = 0.1
"""Writing fainter than this (ink strength, 0..1) is not there: the page is blank."""
SHORTEST = 0.02
"""The writing is at least this share of the page's longer side tall: shorter marks (a speck, a piece of ruling
left over) are not a digit, though they may belong to one."""
BRIDGE = 5
"""Strokes closer than this many pixels are one stroke when the writing is looked for."""
CLUSTER = 15
"""Strokes (each widened by BRIDGE) within this many pixels of one another are one cluster when the strongest
writing is chosen: the dashes a faint, grainy pencil leaves of one line."""
EDGE_PASSES = 4
"""Where the strongest ink in the picture belongs to strokes at the `valid` part's edge (a sliver of desk the
page's mask missed, darker than any pencil), the writing is looked for again without them, at most this many
times; then the page holds no writing it can find."""
TURNED, TURNED_FAR = 12.0, 45.0
"""The page's ruling is sought turned up to TURNED degrees either way; where none is found there, on a page not
seen whole, up to TURNED_FAR (a notebook photographed askew). Further than that, lines across and lines down
cannot be told apart."""
RULED_FAR = 6
"""Ruling found only by the wider search (TURNED_FAR) is kept where at least this many lines run along the page: a
notebook turned 14-40 degrees shows 9 or more, while a plain page's edge and shadows, turned until they line up,
made 3 at most (held-out digits photographed on plain paper, 40; the turned kind of `harness.photos`, 40)."""
GRAINS = (0.03, 7)
"""Gaps in a line narrower than this share of the writing's height (with its rim), and at most this many pixels,
are closed: a grainy pencil's, not the space between two digits or inside a small loop."""
BESIDE, ABOVE = 2.0, 0.5
"""Strokes level with the writing and within BESIDE times its height to the side, or in line with it and within
ABOVE times its height above or below, belong to it: the digits of a number written in a row, a 5's flag, a 4's
second stroke. A mark off to the side and below (a piece of the page's edge, a smudge) does not."""
PEN_SURE, PEN_JOINED = 0.5, 0.25
"""In the cropped writing, ink at least PEN_SURE of the strongest (smoothed over a pixel) is surely the pen, and
ink at least PEN_JOINED of it that is joined to such ink is the pen too: a pencil's pale stretches, a line half
lost in a dim photo's grain (`whole_lines`)."""


def resized(rgb: np.ndarray, size: int) -> np.ndarray:
    """A copy of an image (any channels) scaled, area-averaged, to `size` pixels on its longer side."""
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def brightest(rgb: np.ndarray) -> np.ndarray:
    """Each pixel's brightest channel (numpy's max across the last axis is many times slower on an image)."""
    return np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


def paper_mask(rgb: np.ndarray) -> np.ndarray:
    """Where the page is, on a copy DETECT pixels long (uint8 0/1): the bright region bounded by edges."""
    small = resized(rgb, DETECT).astype(np.float32) / 255
    k = max(3, DETECT // 60)  # wider than a marker's line on this copy, narrower than a sliver of desk
    clean = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    cross = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    gradient = brightest(cv2.morphologyEx(clean, cv2.MORPH_GRADIENT, cross))
    inside = (gradient < EDGE).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
    brightness = brightest(clean)
    candidates = [label for label in range(1, count) if stats[label, cv2.CC_STAT_AREA] >= PAGE_LEAST * inside.size]
    candidates.sort(key=lambda label: float(np.median(brightness[labels == label])), reverse=True)
    for label in candidates:  # the brightest region that lies on something darker than itself
        contours, _ = cv2.findContours((labels == label).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        filled = np.zeros(inside.shape, np.uint8)
        cv2.drawContours(filled, [max(contours, key=cv2.contourArea)], -1, 1, thickness=cv2.FILLED)
        if not inside_writing(filled, labels == label, brightness):
            return cv2.dilate(filled, cross)  # the edge's own pixels, lost to the gradient, are the page's
    return np.ones(small.shape[:2], np.uint8)


def inside_writing(filled: np.ndarray, region: np.ndarray, brightness: np.ndarray) -> bool:
    """Whether a bright region is a hole in the writing (the inside of a big 0, say) rather than a page: beyond
    a band as wide as a thick pen around it lies paper as light as the region itself, where a page lies on a
    darker desk (or reaches past the photo's edge, so that nothing lies around it)."""
    distance = cv2.distanceTransform(1 - filled, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)  # to the region, in pixels
    around = brightness[(distance > AROUND[0]) & (distance <= AROUND[1])]
    if around.size < 0.05 * region.sum():
        return False
    return float(np.percentile(around, 75)) > AS_LIGHT * float(np.median(brightness[region]))


def quadrilateral(mask: np.ndarray) -> np.ndarray | None:
    """The page's four corners (4x2, clockwise from the top left) when the whole page lies inside the photo."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contour = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(contour)
    corners = cv2.approxPolyDP(hull, 0.03 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    h, w = mask.shape
    if len(corners) != 4 or (corners[:, 0] <= 1).any() or (corners[:, 1] <= 1).any() or \
            (corners[:, 0] >= w - 2).any() or (corners[:, 1] >= h - 2).any():
        return None
    centre = corners.mean(axis=0)
    order = np.argsort(np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0]))
    corners = corners[order]  # clockwise in image coordinates, starting anywhere
    start = int(np.argmin(corners.sum(axis=1)))  # the top-left corner has the smallest x + y
    return np.roll(corners, -start, axis=0)


def flattened(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The page inside `corners` (in `rgb`'s pixels) warped to an upright rectangle of its own size."""
    top, right, bottom, left = (np.linalg.norm(corners[(i + 1) % 4] - corners[i]) for i in range(4))
    width, height = int(max(top, bottom)), int(max(left, right))
    inset = 0.01 * min(width, height)  # the page's own edge and its shadow stay outside
    target = np.array([[-inset, -inset], [width + inset, -inset], [width + inset, height + inset],
                       [-inset, height + inset]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def pen_strength(rgb: np.ndarray) -> np.ndarray:
    """How strongly each pixel is inked (0..1): its brightest channel against the paper's local light there, so
    that blue, green and red ruling (bright in one channel) is nearly paper while any pen or pencil is not."""
    value = brightest(rgb).astype(np.float32) / 255
    h, w = value.shape
    small = cv2.resize(value, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(5, max(small.shape) // 12) | 1
    light = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    light = cv2.GaussianBlur(light, (0, 0), k / 4)
    light = cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(1 - value / np.maximum(light, 1e-3), 0, 1)


def upright_angle(ink: np.ndarray, wide: bool = False) -> float:
    """The angle (degrees) that turns the page's ruling level: the one whose rows (and columns) of ink change
    most sharply from one to the next, in the middle of the page, where no turned corner is cut off. Sharp
    changes are lines; light falling off across the page and noise in the shadows change the sums smoothly.
    Sought within TURNED, every 0.25 degrees; `wide`, beyond TURNED, every whole degree from TURNED + 1 to
    TURNED_FAR, then every 0.25 degrees within 0.75 of the best."""
    small = resized(ink, 400)
    h, w = small.shape
    centre = (w / 2, h / 2)
    rows, cols = slice(h // 6, h - h // 6), slice(w // 6, w - w // 6)

    def score(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, angle, 1.0), (w, h))[rows, cols]
        return float(np.sum(np.diff(turned.sum(axis=1)) ** 2) + np.sum(np.diff(turned.sum(axis=0)) ** 2))

    if not wide:
        return max(np.arange(-TURNED, TURNED + 0.01, 0.25), key=score).item()
    further = np.arange(TURNED + 1, TURNED_FAR + 0.01, 1.0)
    rough = max(np.concatenate([-further, further]), key=score).item()
    return max(np.arange(rough - 0.75, rough + 0.76, 0.25), key=score).item()


def without_lines(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """The ink less every line that runs along at least 1/LINE of the page, across or down (ruling, squares,
    a margin), found by an opening along each direction with two pixels of slack across it. Where a line was, what
    stays is the pen: where it crosses the line (its ink on both sides of the line, closed across it) or where it is
    clearly darker than the line (a stroke drawn along it). Also returns how many lines run along most of the
    page (SPANS), across or down."""
    h, w = ink.shape
    found = []
    directions = (((max(15, w // LINE), 1), (1, 5), (1, 21)), ((1, max(15, h // LINE)), (5, 1), (21, 1)))
    for along, slack, across in directions:  # cv2's sizes are (width, height)
        loose = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, slack))
        lines = cv2.morphologyEx(loose, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        found.append((lines, lines > LINE_INK, across))
    on_a_line = found[0][1] | found[1][1]
    off = np.where(on_a_line, 0, ink).astype(np.float32)  # the ink off every line
    crossing = np.zeros_like(ink)
    for _, on, across in found:  # a stroke crossing a line: its ink on both sides, closed across the line
        closed = cv2.morphologyEx(off, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        crossing = np.where(on, np.maximum(crossing, closed), crossing)
    darker = ink - found[0][0] - found[1][0]  # a stroke along a line, darker than it
    pen = np.maximum(np.minimum(ink, crossing), np.where(darker > PEN_OVER_LINE, darker, 0))
    across_page = 0
    for axis, (_, on, _) in zip((1, 0), found):  # rows covered along most of the page, then columns
        full = on.mean(axis=axis) > SPANS
        across_page += int(np.count_nonzero(full[1:] & ~full[:-1]) + full[0])  # runs of such rows: lines
    kept = np.where(on_a_line, pen, ink)
    # where squares' lines cross inside a stroke, neither direction's closing sees ink: close the stroke itself
    filled = cv2.morphologyEx(kept, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    return np.where(on_a_line, np.maximum(kept, np.minimum(ink, filled)), kept), across_page


def writing_box(ink: np.ndarray, valid: np.ndarray) -> tuple[slice, slice] | None:
    """Where the writing is: the strongest cluster of strokes and every stroke near it, grown until no other is
    near. Strokes that touch the edge of the `valid` part of the picture (the page's edge, a sliver of desk) are
    not writing, nor do they set how strong the writing's ink is (EDGE_PASSES)."""
    edge = np.pad(valid, 1) - cv2.erode(np.pad(valid, 1), np.ones((7, 7), np.uint8))
    edge = edge[1:-1, 1:-1] > 0
    strength = np.where(edge, 0, ink)
    for _ in range(EDGE_PASSES):
        smooth = cv2.GaussianBlur(strength, (0, 0), 1.0)
        peak = float(smooth.max())
        if peak < FAINTEST:
            return None
        mask = (ink > 0.45 * peak).astype(np.uint8)
        # a stroke broken by a grainy pencil, or where a ruling line was taken out from under it, is one stroke
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (BRIDGE, BRIDGE)))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        if count <= 1:
            return None
        at_edge = np.unique(labels[edge & (labels > 0)])
        # the strongest ink is a sliver of desk at the page's edge (darker than any pencil): measure without it
        strongest = labels[np.unravel_index(int(np.argmax(smooth)), smooth.shape)]
        if strongest == 0 or strongest not in at_edge:
            break
        strength = np.where(np.isin(labels, at_edge), 0, strength)
    else:
        return None
    mass = np.bincount(labels.ravel(), weights=ink.ravel(), minlength=count)
    mass[at_edge] = 0
    mass[0] = 0
    # a faint pencil's line falls apart into dashes, a 6's stem from its loop: pieces within reach are one cluster
    counted = (mass > 0)[labels].astype(np.uint8)  # strokes at the page's edge join no cluster
    reach = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (CLUSTER, CLUSTER))
    groups, grouped = cv2.connectedComponents(cv2.dilate(counted, reach), connectivity=8)
    group_of = np.zeros(count, np.int64)
    group_of[labels.ravel()] = grouped.ravel()
    group_of[mass == 0] = 0
    group_mass = np.bincount(group_of, weights=mass, minlength=groups)
    left, top = np.full(groups, ink.shape[1]), np.full(groups, ink.shape[0])  # each cluster's box, from its strokes'
    right, bottom = np.zeros(groups, np.int64), np.zeros(groups, np.int64)
    np.minimum.at(left, group_of, stats[:, 0])
    np.minimum.at(top, group_of, stats[:, 1])
    np.maximum.at(right, group_of, stats[:, 0] + stats[:, 2])
    np.maximum.at(bottom, group_of, stats[:, 1] + stats[:, 3])
    height, width = bottom - top, right - left
    # a cluster as large as half the page is the remains of its ruling or edge strung together, not writing
    tall = (height >= SHORTEST * max(ink.shape)) & (height < 0.5 * ink.shape[0]) & (width < 0.5 * ink.shape[1])
    tall[0] = False
    if not (tall & (group_mass > 0)).any():
        return None
    seed = int(np.argmax(np.where(tall, group_mass, 0)))
    box = [left[seed], top[seed], right[seed], bottom[seed]]
    # strokes with ink enough against the chosen cluster may join it (judged stroke by stroke, not cluster by
    # cluster: the latter lost two pencil digits of 100 to leftovers of the ruling nearby)
    strong = np.flatnonzero(mass >= 0.05 * group_mass[seed])
    grew = True
    while grew:
        grew = False
        side, up = BESIDE * (box[3] - box[1]), ABOVE * (box[3] - box[1])
        for label in strong:
            x, y, cw, ch = stats[label, :4]
            beside = x <= box[2] + side and x + cw >= box[0] - side and y < box[3] and y + ch > box[1]
            above = x < box[2] and x + cw > box[0] and y <= box[3] + up and y + ch >= box[1] - up
            if beside or above:
                new = [min(box[0], x), min(box[1], y), max(box[2], x + cw), max(box[3], y + ch)]
                if new != box:
                    box, grew = new, True
    rim = int(0.15 * (box[3] - box[1])) + 2
    h, w = ink.shape
    return slice(max(0, box[1] - rim), min(h, box[3] + rim)), slice(max(0, box[0] - rim), min(w, box[2] + rim))


def upright(ink: np.ndarray, valid: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray, int]:
    """The ink turned by `angle` (degrees) with its lines taken out, the valid part turned with it, and how many
    lines run along most of the page (see `without_lines`)."""
    if angle:
        turn = cv2.getRotationMatrix2D((ink.shape[1] / 2, ink.shape[0] / 2), angle, 1.0)
        ink = cv2.warpAffine(ink, turn, ink.shape[::-1])
        valid = cv2.warpAffine(valid, turn, ink.shape[::-1], flags=cv2.INTER_NEAREST)
    ink, ruled = without_lines(ink)
    return ink, valid, ruled


def is_photo(image: Image.Image) -> bool:
    """A camera's picture, not a drawing or a clean scan: large, and no one shade covers most of it."""
    if max(image.size) < SMALLEST:
        return False
    histogram = image.convert("L").reduce(4).histogram()
    return max(histogram) < 0.25 * sum(histogram)


def writing(image: Image.Image) -> np.ndarray | str | None:
    """The ink of the writing on a photographed page (float32 0..1, ink high), None when the page holds none,
    NOT_A_PAGE when the picture is not a photo of a page with writing small on it."""
    if not is_photo(image):
        return NOT_A_PAGE
    rgb = np.asarray(image.convert("RGB"))
    mask = paper_mask(rgb)
    desk = mask.mean() < FILLS
    corners = quadrilateral(mask) if desk else None  # a sliver of desk at an edge is masked, not warped
    if corners is not None:
        page = flattened(rgb, corners * (max(rgb.shape[:2]) / DETECT))
        valid = np.ones(page.shape[:2], np.uint8)
    else:
        page = rgb
        valid = cv2.resize(cv2.erode(mask, np.ones((9, 9), np.uint8)), rgb.shape[1::-1],
                           interpolation=cv2.INTER_NEAREST)
    scale = min(1.0, WORK / max(page.shape[:2]))
    if scale < 1:
        size = (round(page.shape[1] * scale), round(page.shape[0] * scale))
        page = cv2.resize(page, size, interpolation=cv2.INTER_AREA)
        valid = cv2.resize(valid, size, interpolation=cv2.INTER_NEAREST)
    ink = pen_strength(page) * valid
    seen = ink, valid
    ink, valid, ruled = upright(*seen, upright_angle(seen[0]))
    if ruled < RULED and corners is None:  # no ruling within TURNED: a page turned further?
        further = upright(*seen, upright_angle(seen[0], wide=True))
        if further[2] >= RULED_FAR:
            ink, valid, ruled = further
    if not desk and ruled < RULED:  # plain paper filling the frame: today's path reads it well
        return NOT_A_PAGE
    box = writing_box(ink, valid)
    if box is None:  # a blank page, when it is surely a page: whole on a desk, or ruled; else today's path decides
        return None if corners is not None or ruled >= RULED else NOT_A_PAGE
    if not desk and (box[0].stop - box[0].start) > BIG_WRITING * ink.shape[0]:
        return NOT_A_PAGE
    # a grainy pencil's line, its pale grains and the gaps between its dashes filled in: it reads as one line
    k = min(GRAINS[1], max(3, round(GRAINS[0] * (box[0].stop - box[0].start))) | 1)
    grains = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    return cv2.morphologyEx(ink[box].astype(np.float32), cv2.MORPH_CLOSE, grains)


def whole_lines(ink: np.ndarray, peak: float) -> np.ndarray:
    """The cropped writing of a thin or pale pen with its weak stretches raised to the strength of the line they
    belong to: a threshold with hysteresis follows each line from its surely inked parts (PEN_SURE) through the
    weaker ones joined to them (PEN_JOINED), so a 6 keeps its loop and a 3 its middle. Grain and specks joined to no
    line stay as they are. `peak` is the strength of the solid ink (`preprocess.strongest`)."""
    ink = ink.astype(np.float32)
    if peak <= 0:
        return ink
    smooth = cv2.GaussianBlur(ink, (0, 0), 1.0)
    count, labels = cv2.connectedComponents((smooth >= PEN_JOINED * peak).astype(np.uint8), connectivity=8)
    sure = np.zeros(count, bool)
    sure[labels[smooth >= PEN_SURE * peak]] = True
    sure[0] = False
    raised = peak * np.clip(smooth / (PEN_SURE * peak), 0, 1)
    return np.where(sure[labels], np.maximum(ink, raised), ink).astype(np.float32)
