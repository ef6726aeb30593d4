"""A small reduced ordered binary decision diagram (ROBDD) for monotone structure functions.

Nodes are integers. 0 is FALSE, 1 is TRUE; every other node ``n`` tests the variable at
``level[n]`` and continues to ``low[n]`` when it is down and ``high[n]`` when it is up.
Nodes are hash-consed (one node per (level, low, high) triple, never low == high), so two
equal functions are the same integer. Children are always created before their parents,
so node ids are a topological order: probabilities can be filled in by one pass in id order.
A level is both the variable's place in the order and its key for probabilities; levels
are spaced out so a variable can be inserted between two others (a redundant copy next to
the component it copies) without renumbering the diagram.

Only AND and OR are needed: the structure functions are monotone, and a k-of-n threshold
is built by the recurrence

    T(j, c) = T(j+1, c) ∨ (m_j ∧ T(j+1, c−1)),   T(·, 0) = TRUE,   T(n+1, c>0) = FALSE

("at least c of members j..n are up"), which needs no negation because T(j+1, c) implies
T(j+1, c−1).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

FALSE = 0
TRUE = 1
_TERMINAL_LEVEL = 1 << 60
# Spacing of the levels ``add_level`` hands out: room to insert variables between them.
LEVEL_GAP = 1 << 20


class NodeLimitExceeded(RuntimeError):
    """Raised when a build creates more nodes than its budget allows."""


@contextmanager
def deep_recursion(depth: int) -> Iterator[None]:
    """Make sure recursion ``depth`` frames deeper than usual is allowed.

    Apply recurses once per variable level, so a service over thousands of variables needs
    more than Python's default 1 000 frames. Pure-Python frames do not use the C stack on
    Python 3.11, so raising the limit is safe. The limit is only ever raised, never put
    back: lowering it could break a build running in another thread.
    """
    wanted = depth + 1_000
    if wanted > sys.getrecursionlimit():
        sys.setrecursionlimit(wanted)
    yield


class BDD:
    """Hash-consed ROBDD manager with memoised AND/OR and probability passes."""

    def __init__(self) -> None:
        self.level: list[int] = [_TERMINAL_LEVEL, _TERMINAL_LEVEL]
        self.low: list[int] = [FALSE, TRUE]
        self.high: list[int] = [FALSE, TRUE]
        self._unique: dict[tuple[int, int, int], int] = {}
        self._and: dict[int, int] = {}
        self._or: dict[int, int] = {}
        self._budget: int | None = None
        # Probability of each node being TRUE and FALSE, filled lazily for the nodes a
        # root reaches: most nodes are intermediate results no root ever reaches.
        self.p_true: dict[int, float] = {FALSE: 0.0, TRUE: 1.0}
        self.p_false: dict[int, float] = {FALSE: 1.0, TRUE: 0.0}
        # Probability that the variable at each level is up / down (down given directly).
        self._up: dict[int, float] = {}
        self._down: dict[int, float] = {}
        self._added = 0
        # How many levels ``insert_level`` has handed out after each level so far.
        self._inserted: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.level)

    def add_level(self, up: float, down: float) -> int:
        """Declare a new variable below all existing ones; return its level.

        Levels are multiples of ``LEVEL_GAP``, so ``insert_level`` can place a variable
        between two existing ones. Example: the first three levels are 1·2²⁰, 2·2²⁰, 3·2²⁰.
        """
        self._added += 1
        level = self._added * LEVEL_GAP
        self._up[level] = up
        self._down[level] = down
        return level

    def insert_level(self, after: int, up: float, down: float) -> int | None:
        """Declare a new variable just below ``after`` (a level from ``add_level``, or 0
        for above every level), below those inserted there before; None when the gap is
        used up. Every level is a new variable: a level is never given twice, so nodes
        made for another variable at an earlier insertion keep their meaning.

        Example: after level L the inserted levels are L + 1, L + 2, … up to L + 2²⁰ − 1.
        """
        count = self._inserted.get(after, 0) + 1
        if after % LEVEL_GAP or count >= LEVEL_GAP:
            return None
        self._inserted[after] = count
        level = after + count
        self._up[level] = up
        self._down[level] = down
        return level

    def pq(self, level: int) -> tuple[float, float]:
        """(P(up), P(down)) of the variable at ``level``."""
        return self._up[level], self._down[level]

    @property
    def levels(self) -> int:
        """How many variables are declared."""
        return len(self._up)

    def trim_caches(self, limit: int) -> None:
        """Forget memoised AND/OR results once there are more than ``limit`` of them.

        They are only a cache: the unique table, and so every node, stays valid.
        """
        if len(self._and) + len(self._or) > limit:
            self._and.clear()
            self._or.clear()

    def set_budget(self, nodes: int | None) -> None:
        """Allow at most ``nodes`` new nodes from now on (``None`` = no limit)."""
        self._budget = nodes

    def mk(self, level: int, low: int, high: int) -> int:
        """The unique node for (level, low, high), created if needed."""
        if low == high:
            return low
        return self._node(level, low, high)

    def var(self, level: int) -> int:
        """The function that is TRUE exactly when the variable at ``level`` is up."""
        return self.mk(level, FALSE, TRUE)

    def _node(self, level: int, low: int, high: int) -> int:
        """``mk`` for low != high (the hot path of AND/OR: no equality test, and one
        look-up of the unique table whether the node exists or is made)."""
        key = (level, low, high)
        node = self._unique.get(key)
        if node is not None:
            return node
        if self._budget is not None:
            if self._budget <= 0:
                raise NodeLimitExceeded("BDD node limit reached")
            self._budget -= 1
        node = len(self.level)
        self.level.append(level)
        self.low.append(low)
        self.high.append(high)
        self._unique[key] = node
        return node

    def and_(self, f: int, g: int) -> int:
        """f ∧ g (memoised Shannon expansion on the top variable)."""
        if f == g:
            return f
        if f <= TRUE or g <= TRUE:
            if f == FALSE or g == FALSE:
                return FALSE
            return g if f == TRUE else f
        if f > g:
            f, g = g, f
        key = (f << 32) | g
        cached = self._and.get(key)
        if cached is not None:
            return cached
        level, low, high = self.level, self.low, self.high
        lf = level[f]
        lg = level[g]
        if lf == lg:
            lo = self.and_(low[f], low[g])
            hi = self.and_(high[f], high[g])
        elif lf < lg:
            lo = self.and_(low[f], g)
            hi = self.and_(high[f], g)
        else:
            lf = lg
            lo = self.and_(f, low[g])
            hi = self.and_(f, high[g])
        result = lo if lo == hi else self._node(lf, lo, hi)
        self._and[key] = result
        return result

    def or_(self, f: int, g: int) -> int:
        """f ∨ g (memoised Shannon expansion on the top variable)."""
        if f == g:
            return f
        if f <= TRUE or g <= TRUE:
            if f == TRUE or g == TRUE:
                return TRUE
            return g if f == FALSE else f
        if f > g:
            f, g = g, f
        key = (f << 32) | g
        cached = self._or.get(key)
        if cached is not None:
            return cached
        level, low, high = self.level, self.low, self.high
        lf = level[f]
        lg = level[g]
        if lf == lg:
            lo = self.or_(low[f], low[g])
            hi = self.or_(high[f], high[g])
        elif lf < lg:
            lo = self.or_(low[f], g)
            hi = self.or_(high[f], g)
        else:
            lf = lg
            lo = self.or_(f, low[g])
            hi = self.or_(f, high[g])
        result = lo if lo == hi else self._node(lf, lo, hi)
        self._or[key] = result
        return result

    def conjunction(self, nodes: Sequence[int]) -> int:
        """⋀ nodes (TRUE for none); stops early at FALSE."""
        result = TRUE
        for node in nodes:
            result = self.and_(result, node)
            if result == FALSE:
                break
        return result

    def at_least(self, k: int, members: Sequence[int]) -> int:
        """TRUE when at least ``k`` of ``members`` are TRUE (dynamic programme, O(n·k) ops).

        Example: k = 2 of (a, b, c) → (a ∧ b) ∨ (a ∧ c) ∨ (b ∧ c).
        """
        n = len(members)
        if k <= 0:
            return TRUE
        if k > n:
            return FALSE
        if k == 1:
            result = FALSE
            for m in members:
                result = self.or_(result, m)
            return result
        if k == n:
            return self.conjunction(members)
        # row[c] = T(j+1, c) for c = 0..k, swept from the last member to the first.
        row = [TRUE] + [FALSE] * k
        for j in range(n - 1, -1, -1):
            m = members[j]
            # Only counts still reachable with members j..n-1 matter.
            top = min(k, n - j)
            for c in range(top, 0, -1):
                row[c] = self.or_(row[c], self.and_(m, row[c - 1]))
        return row[k]

    def _fill_probabilities(self, root: int) -> None:
        """Compute the probabilities of ``root`` and of every node below it not yet known.

        Only nodes some root reaches are filled: a recompiled what-if creates about ten
        intermediate nodes (partial ANDs, threshold rows) for each node of its diagram.
        Each node's sums are those of its children alone, so the figures are the same
        whichever nodes were filled before.
        """
        pt, pf = self.p_true, self.p_false
        if root in pt:
            return
        lev, lo, hi = self.level, self.low, self.high
        missing = {root}
        stack = [root]
        while stack:
            node = stack.pop()
            for child in (lo[node], hi[node]):
                if child not in pt and child not in missing:
                    missing.add(child)
                    stack.append(child)
        up, down = self._up, self._down
        # Children always have smaller ids than their parents.
        for node in sorted(missing):
            level = lev[node]
            p = up[level]
            q = down[level]
            low, high = lo[node], hi[node]
            # Both sums have only non-negative terms: no cancellation even near 1.
            pt[node] = q * pt[low] + p * pt[high]
            pf[node] = q * pf[low] + p * pf[high]

    def probability(self, node: int) -> tuple[float, float]:
        """(P(node is TRUE), P(node is FALSE)), each computed from non-negative sums."""
        self._fill_probabilities(node)
        return self.p_true[node], self.p_false[node]

    def probability_with(
        self, root: int, overrides: dict[int, tuple[float, float]]
    ) -> tuple[float, float]:
        """(P(TRUE), P(FALSE)) of ``root`` with some levels' (up, down) probabilities replaced.

        One pass over ``root``'s nodes, children first; the shared caches are untouched.
        """
        pt: dict[int, float] = {FALSE: 0.0, TRUE: 1.0}
        pf: dict[int, float] = {FALSE: 1.0, TRUE: 0.0}
        for node in reversed(self.reachable(root)):
            level = self.level[node]
            p, q = overrides.get(level, (self._up[level], self._down[level]))
            lo, hi = self.low[node], self.high[node]
            pt[node] = q * pt[lo] + p * pt[hi]
            pf[node] = q * pf[lo] + p * pf[hi]
        return pt[root], pf[root]

    def reachable(self, root: int) -> list[int]:
        """Internal nodes reachable from ``root``, parents before children."""
        seen = {root} if root > TRUE else set()
        stack = [root] if root > TRUE else []
        lo, hi = self.low, self.high
        while stack:
            node = stack.pop()
            for child in (lo[node], hi[node]):
                if child > TRUE and child not in seen:
                    seen.add(child)
                    stack.append(child)
        # Children always have smaller ids than their parents.
        return sorted(seen, reverse=True)

    def birnbaum(self, root: int) -> tuple[dict[int, float], int]:
        """Birnbaum importance of every level in ``root``'s support, in one backward pass.

        I_B(i) = P(f | x_i up) − P(f | x_i down) = ∂P(f)/∂p_i. With R(n) the probability
        of reaching node n from the root, I_B(i) = Σ_{n at level i} R(n)·(P(high) − P(low)).
        The difference is taken from whichever of P(TRUE) or P(FALSE) is smaller, so it keeps
        its digits when both children are almost surely up.

        Example: f = a ∧ (b ∨ c) with p = 0.9 each: I_B(a) = P(b ∨ c) = 0.99,
        I_B(b) = p_a·(1 − p_c) = 0.09.

        Returns the importance by level and the number of internal nodes visited.
        """
        self.probability(root)
        order = self.reachable(root)
        reach: dict[int, float] = {root: 1.0}
        importance: dict[int, float] = {}
        pt, pf = self.p_true, self.p_false
        lev, lo, hi = self.level, self.low, self.high
        up, down = self._up, self._down
        for node in order:
            r = reach.pop(node)
            level = lev[node]
            low, high = lo[node], hi[node]
            small_true = pt[high] + pt[low] < 1.0
            diff = pt[high] - pt[low] if small_true else pf[low] - pf[high]
            importance[level] = importance.get(level, 0.0) + r * diff
            if low > TRUE:
                reach[low] = reach.get(low, 0.0) + r * down[level]
            if high > TRUE:
                reach[high] = reach.get(high, 0.0) + r * up[level]
        return importance, len(order)

    def restrict(self, f: int, level: int, value: bool) -> int:
        """f with the variable at ``level`` fixed up (``value`` True) or down.

        Example: restrict(a ∧ b, level(a), True) = b.
        """
        memo: dict[int, int] = {}
        lev, lo, hi = self.level, self.low, self.high

        def go(node: int) -> int:
            if node <= TRUE or lev[node] > level:
                return node  # ordered: nothing below tests this level
            if lev[node] == level:
                return hi[node] if value else lo[node]
            cached = memo.get(node)
            if cached is None:
                cached = self.mk(lev[node], go(lo[node]), go(hi[node]))
                memo[node] = cached
            return cached

        return go(f)

    def compose_monotone(self, f: int, level: int, g: int) -> int:
        """f with the variable at ``level`` replaced by the function ``g``, for f monotone
        in that variable: f[x := g] = f|x=0 ∨ (g ∧ f|x=1), since f|x=0 implies f|x=1.

        Example: f = x ∧ s, g = x ∨ x' → (x ∨ x') ∧ s (a component given a peer on the
        same supports).
        """
        return self.or_(self.restrict(f, level, False), self.and_(g, self.restrict(f, level, True)))

    def size(self, root: int) -> int:
        """Number of internal nodes in ``root``'s diagram."""
        return len(self.reachable(root))
