#!/usr/bin/python3
"""The benchmark's peer: the chapter's collab_learner training written in plain PyTorch, as fastai runs it.

What it does, step for step as fastai 2.x does it (the Java side, TrainingBenchmark, does the same):
  data     ml-100k ratings joined with titles (items are titles), or a MovieLens ratings.csv (items are
           movie ids); a seeded random permutation, the first int(0.2 * n) rows validate, the rest train;
           vocabularies '#na#' + sorted values, users from the training rows, items from all rows.
  model    EmbeddingDotBias: user and item factors and biases, each embedding N(0, 1) folded by fmod 2 and
           scaled by 0.01 (fastai's trunc_normal_), dot + biases through sigmoid_range(0, 5.5).
  training fit_one_cycle: lr cosine from lr/25 up to lr over the first 25% of batches, then down to lr/1e5;
           beta1 cosine 0.95 -> 0.85 -> 0.95; fastai's Adam (decoupled weight decay, sqr_mom 0.99, eps 1e-5,
           both averages debiased); MSE loss; shuffled training batches, the last partial one dropped.
  figures  per epoch the smoothed training loss (beta 0.98, debiased), the exact validation MSE and the
           epoch's seconds (training and validation); then
           RESULT s_per_epoch=<median of epochs 2..n> final_valid_mse=<x> users=<n> items=<n>

Usage: /usr/bin/python3 train_reference.py [--data DIR | --ratings-csv FILE] [--epochs 5] [--lr 5e-3]
           [--wd 0.1] [--bs 64] [--valid-bs N] [--factors 50] [--seed 42] [--threads 1]
  --data      an unzipped ml-100k folder; by default $FASTBOOK_DATA/ml-100k, else ~/.fastbook/data/ml-100k
              (the library's cache: the Java benchmark, run first, downloads it there when missing)
  --valid-bs  rows per validation forward pass (default: --bs, as fastai); the Java side validates in
              larger chunks, so environment/bench passes the same value to both.
Needs Debian's python3-torch (and python3-numpy for --ratings-csv).
"""
import argparse
import math
import os
import statistics
import sys
import time

import torch


def find_ml100k():
    places = []
    if os.environ.get('FASTBOOK_DATA'):
        places.append(os.path.join(os.environ['FASTBOOK_DATA'], 'ml-100k'))
    places.append(os.path.join(os.path.expanduser('~'), '.fastbook', 'data', 'ml-100k'))
    for folder in places:
        if os.path.isfile(os.path.join(folder, 'u.data')):
            return folder
    sys.exit('train_reference.py: no ml-100k (u.data) in ' + ' or '.join(places) + '; pass --data DIR, set '
             'FASTBOOK_DATA, or run the Java benchmark once (it downloads MovieLens into ~/.fastbook/data)')


# ---------------------------------------------------------------- data

def split(n):
    """fastai's RandomSplitter(0.2): (training positions, validation positions)."""
    order = torch.randperm(n)
    cut = int(0.2 * n)
    return order[cut:], order[:cut]


def ml100k(folder):
    """(user ids, title per rating, ratings) of ml-100k; titles from u.item (Latin-1)."""
    title = {}
    with open(os.path.join(folder, 'u.item'), encoding='latin-1') as f:
        for line in f:
            fields = line.split('|')
            title[int(fields[0])] = fields[1]
    users, items, stars = [], [], []
    with open(os.path.join(folder, 'u.data')) as f:
        for line in f:
            u, m, r, _ = line.split('\t')
            users.append(int(u))
            items.append(title[int(m)])
            stars.append(float(r))
    return users, items, stars, sorted(set(title.values()))


def encode_titles(folder):
    users, items, stars, all_titles = ml100k(folder)
    train, valid = split(len(stars))
    user_vocab = sorted({users[i] for i in train.tolist()})
    user_index = {u: k + 1 for k, u in enumerate(user_vocab)}           # 0 is '#na#'
    item_index = {t: k + 1 for k, t in enumerate(all_titles)}
    x = torch.tensor([[user_index.get(u, 0), item_index[t]] for u, t in zip(users, items)], dtype=torch.long)
    y = torch.tensor(stars, dtype=torch.float32)
    return x[train], y[train], x[valid], y[valid], len(user_vocab) + 1, len(all_titles) + 1


def encode_csv(path):
    """A MovieLens ratings.csv (header, then userId,movieId,rating,timestamp): movie ids are the items."""
    import numpy as np
    with open(path, 'rb') as f:
        f.readline()
        table = np.fromstring(f.read().replace(b'\n', b','), dtype=np.float64, sep=',').reshape(-1, 4)
    users = torch.from_numpy(table[:, 0].astype(np.int64))
    movies = torch.from_numpy(table[:, 1].astype(np.int64))
    y = torch.from_numpy(table[:, 2].astype(np.float32))
    del table
    train, valid = split(len(y))
    user_vocab = torch.unique(users[train])
    movie_vocab = torch.unique(movies)

    def index(ids, vocab):                      # position + 1 where the id is in the vocabulary, else 0
        at = torch.searchsorted(vocab, ids).clamp(max=len(vocab) - 1)
        return torch.where(vocab[at] == ids, at + 1, 0)

    x = torch.stack([index(users, user_vocab), index(movies, movie_vocab)], dim=1)
    return x[train], y[train], x[valid], y[valid], len(user_vocab) + 1, len(movie_vocab) + 1


# ---------------------------------------------------------------- model

def trunc_normal_embedding(rows, width):
    emb = torch.nn.Embedding(rows, width)
    with torch.no_grad():
        emb.weight.normal_().fmod_(2).mul_(0.01)
    return emb


class EmbeddingDotBias(torch.nn.Module):
    def __init__(self, n_users, n_items, factors, y_range=(0.0, 5.5)):
        super().__init__()
        # fastai's creation order (u_weight, i_weight, u_bias, i_bias) fixes which draws each one gets.
        self.u_weight = trunc_normal_embedding(n_users, factors)
        self.i_weight = trunc_normal_embedding(n_items, factors)
        self.u_bias = trunc_normal_embedding(n_users, 1)
        self.i_bias = trunc_normal_embedding(n_items, 1)
        self.low, self.high = y_range

    def forward(self, x):
        users, items = x[:, 0], x[:, 1]
        dot = (self.u_weight(users) * self.i_weight(items)).sum(dim=1)
        raw = dot + self.u_bias(users)[:, 0] + self.i_bias(items)[:, 0]
        return torch.sigmoid(raw) * (self.high - self.low) + self.low


# ---------------------------------------------------------------- fastai's Adam, stepper by stepper

class Adam:
    def __init__(self, params, sqr_mom=0.99, eps=1e-5):
        self.params = list(params)
        self.sqr_mom, self.eps = sqr_mom, eps
        self.grad_avg = [torch.zeros_like(p) for p in self.params]
        self.sqr_avg = [torch.zeros_like(p) for p in self.params]
        self.step_count = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, lr, mom, wd):
        self.step_count += 1
        debias1 = 1 - mom ** self.step_count
        debias2 = 1 - self.sqr_mom ** self.step_count
        for p, g_avg, s_avg in zip(self.params, self.grad_avg, self.sqr_avg):
            g = p.grad
            p.mul_(1 - lr * wd)                                        # weight_decay (decoupled)
            g_avg.mul_(mom).add_(g, alpha=1 - mom)                     # average_grad, dampened
            s_avg.mul_(self.sqr_mom).addcmul_(g, g, value=1 - self.sqr_mom)  # average_sqr_grad
            denom = (s_avg / debias2).sqrt_().add_(self.eps)           # adam_step
            p.addcdiv_(g_avg, denom, value=-lr / debias1)


# ---------------------------------------------------------------- one-cycle

def cos_between(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def one_cycle(pos, lr_max, pct_start=0.25, div=25.0, div_final=1e5, moms=(0.95, 0.85, 0.95)):
    """(lr, beta1) at training position pos in [0, 1)."""
    if pos < pct_start:
        q = pos / pct_start
        return cos_between(lr_max / div, lr_max, q), cos_between(moms[0], moms[1], q)
    q = (pos - pct_start) / (1 - pct_start)
    return cos_between(lr_max, lr_max / div_final, q), cos_between(moms[1], moms[2], q)


# ---------------------------------------------------------------- the loop

def main():
    p = argparse.ArgumentParser(description='The chapter\'s training in plain PyTorch (environment/bench\'s peer).')
    p.add_argument('--data')
    p.add_argument('--ratings-csv')
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--lr', type=float, default=5e-3)
    p.add_argument('--wd', type=float, default=0.1)
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--valid-bs', type=int)
    p.add_argument('--factors', type=int, default=50)
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    if a.ratings_csv:
        xt, yt, xv, yv, n_users, n_items = encode_csv(a.ratings_csv)
    else:
        xt, yt, xv, yv, n_users, n_items = encode_titles(a.data or find_ml100k())
    model = EmbeddingDotBias(n_users, n_items, a.factors)
    opt = Adam(model.parameters())
    batches = len(yt) // a.bs
    total = batches * a.epochs
    valid_bs = a.valid_bs or a.bs

    seconds, smoothed, seen, valid_mse = [], 0.0, 0, float('nan')
    print('epoch train_loss valid_loss time')
    for epoch in range(a.epochs):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(len(yt))
        for b in range(batches):
            rows = order[b * a.bs:(b + 1) * a.bs]
            lr, mom = one_cycle((epoch * batches + b) / total, a.lr)
            loss = torch.nn.functional.mse_loss(model(xt[rows]), yt[rows])
            opt.zero_grad()
            loss.backward()
            opt.step(lr, mom, a.wd)
            seen += 1
            smoothed = 0.98 * smoothed + 0.02 * loss.item()
        model.eval()
        squared = 0.0
        with torch.no_grad():
            for b in range(0, len(yv), valid_bs):
                squared += ((model(xv[b:b + valid_bs]) - yv[b:b + valid_bs]) ** 2).sum().item()
        valid_mse = squared / len(yv)
        seconds.append(time.perf_counter() - started)
        print(f'{epoch} {smoothed / (1 - 0.98 ** seen):.6f} {valid_mse:.6f} {seconds[-1]:.2f}s', flush=True)
    steady = seconds[1:] or seconds
    print(f'RESULT s_per_epoch={statistics.median(steady):.3f} final_valid_mse={valid_mse:.6f} '
          f'users={n_users} items={n_items}')


if __name__ == '__main__':
    main()
