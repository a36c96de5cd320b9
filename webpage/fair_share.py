"""Readings of drawings shared fairly among visitors: a few workers, a turn for each address, and within an address
a turn for each page, instead of first come, first served.

A reading is a few milliseconds of one core, mostly Python holding the interpreter's lock, so `workers` threads (one
per usable CPU) read; a request that finds them all busy waits for a turn, and turns go round the addresses that
have readings waiting, then round the pages of that address. One address that keeps hundreds of readings in flight
gets one turn in each round, like any other visitor, and the rest of its requests are refused at once:
- a page may have PAGE_IN_FLIGHT readings in flight (page.js keeps one: it asks for the next once the last answer is
  in); a page is named by the `session_hash` page.js sends, and requests that name none share one page per address;
- an address may have ADDRESS_IN_FLIGHT (a class behind one school router, twice over).
Beyond either, `Refused` (the drawing route answers 429 with Retry-After). Everything here runs on the server's event
loop, which is never made to wait: the readings run on the workers.
"""

import asyncio
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

PAGE_IN_FLIGHT = 1
"""Readings one page may have in flight: what page.js keeps."""
ADDRESS_IN_FLIGHT = 128
"""Readings one address may have in flight: 64 visitors behind one router (the crowd benchmark's class), twice over."""
RETRY_AFTER_S = 1
"""How long a refused visitor is asked to wait (the 429's Retry-After)."""


class Refused(Exception):
    """A reading beyond the visitor's share; `reason` is "page" or "address"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FairShare:
    """`await share.run(address, page, fn, *args)`: fn(*args) on one of `workers` threads, in the visitor's turn."""

    def __init__(self, workers: int, page_limit: int = PAGE_IN_FLIGHT,
                 address_limit: int = ADDRESS_IN_FLIGHT) -> None:
        self.workers, self.page_limit, self.address_limit = workers, page_limit, address_limit
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="reading")
        self.running = 0  # readings on the workers, or handed a worker and about to start
        self.pages: Counter = Counter()  # (address, page) -> readings in flight (waiting or running)
        self.addresses: Counter = Counter()
        self.waiting: dict[str, OrderedDict[str, deque]] = {}  # address -> page -> its turns' futures, oldest first
        self.turns: deque[str] = deque()  # addresses with readings waiting, the next to be served first

    def busy(self) -> bool:
        """Every worker is reading (a live reading is better declined than queued)."""
        return self.running >= self.workers

    async def run(self, address: str, page: str, fn: Callable, *args):
        if self.pages[address, page] >= self.page_limit:
            raise Refused("page")
        if self.addresses[address] >= self.address_limit:
            raise Refused("address")
        self.pages[address, page] += 1
        self.addresses[address] += 1
        try:
            await self.turn(address, page)
            try:
                return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
            finally:
                self.hand_on()
        finally:
            for counter, key in ((self.pages, (address, page)), (self.addresses, address)):
                counter[key] -= 1
                if counter[key] <= 0:
                    del counter[key]

    async def turn(self, address: str, page: str) -> None:
        """Return once a worker is this reading's: at once when one is free, else in the visitor's turn."""
        if self.running < self.workers:
            self.running += 1
            return
        turn = asyncio.get_running_loop().create_future()
        if address not in self.waiting:
            self.waiting[address] = OrderedDict()
            self.turns.append(address)
        self.waiting[address].setdefault(page, deque()).append(turn)
        try:
            await turn
        except asyncio.CancelledError:  # the visitor went away: its place goes, or the worker it was handed
            if turn.done() and not turn.cancelled():
                self.hand_on()
            else:
                self.forget(address, page, turn)
            raise

    def hand_on(self) -> None:
        """A worker is free: give it to the next turn (the next address, that address's next page), or let it idle."""
        while self.turns:
            address = self.turns.popleft()
            pages = self.waiting[address]
            page, turns = next(iter(pages.items()))
            turn = turns.popleft()
            if turns:
                pages.move_to_end(page)
            else:
                del pages[page]
            if pages:
                self.turns.append(address)
            else:
                del self.waiting[address]
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1

    def forget(self, address: str, page: str, turn: asyncio.Future) -> None:
        pages = self.waiting.get(address, {})
        if turn in pages.get(page, ()):
            pages[page].remove(turn)
            if not pages[page]:
                del pages[page]
            if not pages:
                del self.waiting[address]
                self.turns.remove(address)
