#!/usr/bin/python3
"""Writes a synthetic MovieLens-format ratings file for environment/bench --scale.

The file is OUT_DIR/ratings.csv with the header `userId,movieId,rating,timestamp` and half-star ratings
0.5..5.0, like ml-latest, ml-25m and ml-32m. Ratings come from a hidden model the learner can find
(8 factors per user and movie, a bias each, Gaussian noise, rounded to half stars); users' activity and
movies' popularity are skewed as in the real releases (a few users and films carry most ratings). Ids are
scattered, not 1..n, and a (user, movie) pair may repeat, which real files never do. Each block of rows is
sorted by user, then time. The same arguments always write the same file.

Usage: /usr/bin/python3 make_ratings.py OUT_DIR [--shape ml-25m|netflix] [--ratings N] [--users N]
           [--items N] [--seed 0]
  --shape picks the sizes: ml-25m (25,000,095 ratings, 162,541 users, 59,047 movies; the default) or
  netflix (100,480,507 ratings, 480,189 users, 17,770 movies: the Netflix Prize's training set); --ratings,
  --users and --items override them. Needs numpy (Debian: apt-get install python3-numpy).
The file is written as OUT_DIR/ratings.csv.part and renamed when complete, so a killed run leaves no file
that looks whole.
"""
import argparse
import os
import sys
import time

import numpy as np

SHAPES = {
    'ml-25m': (25_000_095, 162_541, 59_047),
    'netflix': (100_480_507, 480_189, 17_770),
}
BLOCK = 4_000_000      # rows generated, formatted and written at a time (about 100 MB of memory)
TS_LOW, TS_HIGH = 1_000_000_000, 1_700_000_000   # 10-digit Unix times: every timestamp has the same width


def digits(v):
    """How many decimal digits each non-negative int64 has (0 has one)."""
    n = np.ones(v.shape, np.int64)
    p = 10
    while True:
        more = v >= p
        if not more.any():
            return n
        n += more
        p *= 10


def put_int(buf, start, v):
    """Writes each v[j] in decimal into buf at start[j]; returns the index just after each number.
    buf's last byte is scratch: digits a number does not have (leading zeros) are written there."""
    n = digits(v)
    last = start + n - 1
    scratch = len(buf) - 1
    rest = v.copy()
    for d in range(int(n.max())):
        buf[np.where(n > d, last - d, scratch)] = 48 + rest % 10
        rest //= 10
    return start + n


def csv_block(user_ids, movie_ids, half_stars, stamps):
    """The CSV lines of one block as bytes, formatted with array arithmetic (no Python object per row)."""
    nu, nm = digits(user_ids), digits(movie_ids)
    width = nu + 1 + nm + 1 + 3 + 1 + 10 + 1          # user,movie,r.h,timestamp\n
    end = np.cumsum(width)
    start = end - width
    buf = np.empty(int(end[-1]) + 1, np.uint8)
    at = put_int(buf, start, user_ids)
    buf[at] = ord(',')
    at = put_int(buf, at + 1, movie_ids)
    buf[at] = ord(',')
    buf[at + 1] = 48 + half_stars // 2                 # whole stars
    buf[at + 2] = ord('.')
    buf[at + 3] = np.where(half_stars % 2 == 1, ord('5'), ord('0'))
    buf[at + 4] = ord(',')
    at = put_int(buf, at + 5, stamps)
    buf[at] = ord('\n')
    return buf[:-1].tobytes()


def main():
    p = argparse.ArgumentParser(description='Write a synthetic MovieLens-format ratings.csv.')
    p.add_argument('out')
    p.add_argument('--shape', choices=sorted(SHAPES), default='ml-25m')
    p.add_argument('--ratings', type=int)
    p.add_argument('--users', type=int)
    p.add_argument('--items', type=int)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    n_ratings, n_users, n_items = SHAPES[a.shape]
    n_ratings = a.ratings if a.ratings is not None else n_ratings
    n_users = a.users if a.users is not None else n_users
    n_items = a.items if a.items is not None else n_items
    if min(n_ratings, n_users, n_items) < 1:
        sys.exit(f'make_ratings.py: --ratings, --users and --items must be at least 1 '
                 f'(got {n_ratings}, {n_users}, {n_items})')

    started = time.time()
    rng = np.random.default_rng(a.seed)
    # The hidden model: rating = 3.5 + user bias + movie bias + <user factors, movie factors> + noise.
    user_f = rng.normal(0.0, 0.35, (n_users, 8)).astype(np.float32)
    movie_f = rng.normal(0.0, 0.35, (n_items, 8)).astype(np.float32)
    user_b = rng.normal(0.0, 0.4, n_users).astype(np.float32)
    movie_b = rng.normal(0.0, 0.5, n_items).astype(np.float32)
    # Public ids: users a shuffled 1..n, movies n sorted ids drawn from 1..3n (gaps, as in the releases).
    user_ids = rng.permutation(n_users).astype(np.int64) + 1
    movie_ids = np.sort(rng.choice(3 * n_items, n_items, replace=False)).astype(np.int64) + 1

    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, 'ratings.csv')
    part = path + '.part'
    try:
        with open(part, 'wb') as f:
            f.write(b'userId,movieId,rating,timestamp\n')
            left = n_ratings
            while left > 0:
                n = min(BLOCK, left)
                left -= n
                # Skew: rank = floor(n * U^k), so low ranks (the busy users, the popular films) come up often.
                u = np.minimum((n_users * rng.random(n) ** 2).astype(np.int64), n_users - 1)
                m = np.minimum((n_items * rng.random(n) ** 3).astype(np.int64), n_items - 1)
                score = 3.5 + user_b[u] + movie_b[m] + np.einsum('ij,ij->i', user_f[u], movie_f[m])
                score += rng.normal(0.0, 0.8, n).astype(np.float32)
                half_stars = np.clip(np.rint(score * 2), 1, 10).astype(np.int64)
                stamps = rng.integers(TS_LOW, TS_HIGH, n)
                order = np.argsort(user_ids[u] << 31 | (stamps - TS_LOW))   # by user, then time
                f.write(csv_block(user_ids[u][order], movie_ids[m][order], half_stars[order], stamps[order]))
        os.replace(part, path)
    except BaseException:
        if os.path.exists(part):
            os.remove(part)
        raise
    print(f'wrote {path}: {n_ratings} ratings, {n_users} users, {n_items} movies '
          f'in {time.time() - started:.0f} s')


if __name__ == '__main__':
    main()
