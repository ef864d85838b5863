"""The multi-shot video diffusion transformer (see transformer.py). Never imports our other packages."""

from models.dit.transformer import GLOBAL_TEXT, PAD_TEXT, MultiShotTransformer, Segment, cross_attention_mask

__all__ = ["GLOBAL_TEXT", "PAD_TEXT", "MultiShotTransformer", "Segment", "cross_attention_mask"]
