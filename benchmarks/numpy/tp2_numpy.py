#!/usr/bin/env python3
"""The same TP2 training in NumPy (float32, batch 128, gradient 2(S2-Y)/B, L2 on every row), to time
one training pass against ./tp2 train on the same machine. Not part of the build; needs numpy.

    OPENBLAS_NUM_THREADS=1 python3 benchmarks/numpy/tp2_numpy.py --data ../shared/cifar-10-batches-bin --epochs 3

Prints one line per epoch: seconds of the training pass (gather + forward + backward + update, as
the Java trainer times it), loss, and test accuracy.
"""
import argparse
import os
import time

import numpy as np


def load(path):
    def batch(name):
        raw = np.fromfile(os.path.join(path, name), dtype=np.uint8).reshape(-1, 3073)
        return raw[:, 1:], raw[:, 0].astype(np.int64)
    parts = [batch("data_batch_%d.bin" % i) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    x_test, y_test = batch("test_batch.bin")
    return x_train, y_train, x_test, y_test


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--reg", type=float, default=1e-4)
    parser.add_argument("--hidden", type=int, default=100)
    args = parser.parse_args()

    x_train, y_train, x_test, y_test = load(args.data)
    mean = x_train.mean(axis=0, dtype=np.float64).astype(np.float32)
    rng = np.random.default_rng(0)
    w1 = (rng.standard_normal((3073, args.hidden)) * 1e-4).astype(np.float32)
    w2 = (rng.standard_normal((args.hidden + 1, 10)) * 1e-2).astype(np.float32)
    lr, reg, batch = np.float32(args.lr), np.float32(args.reg), args.batch_size
    eye = np.eye(10, dtype=np.float32)
    n = len(y_train)
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        loss_sum = 0.0
        for first in range(0, n, batch):
            idx = order[first:first + batch]
            m = len(idx)
            x = x_train[idx].astype(np.float32) - mean
            y = eye[y_train[idx]]
            s1 = 1.0 / (1.0 + np.exp(-(x @ w1[1:] + w1[0])))
            s2 = s1 @ w2[1:] + w2[0]
            d = s2 - y
            loss_sum += float((d * d).sum()) / m * m
            g2 = (2.0 / m) * d
            dw2 = np.empty_like(w2)
            dw2[0] = g2.sum(axis=0)
            dw2[1:] = s1.T @ g2
            g1 = (g2 @ w2[1:].T) * s1 * (1 - s1)
            dw1 = np.empty_like(w1)
            dw1[0] = g1.sum(axis=0)
            dw1[1:] = x.T @ g1
            w1 -= lr * (dw1 + reg * w1)
            w2 -= lr * (dw2 + reg * w2)
        seconds = time.perf_counter() - start
        xt = x_test.astype(np.float32) - mean
        scores = (1.0 / (1.0 + np.exp(-(xt @ w1[1:] + w1[0])))) @ w2[1:] + w2[0]
        accuracy = float((scores.argmax(axis=1) == y_test).mean())
        print("epoch %d  %.3f s  loss %.4f  test %.2f%%" % (epoch + 1, seconds, loss_sum / n, 100 * accuracy), flush=True)


if __name__ == "__main__":
    main()
