"""Within-shot context parallelism (Ulysses, diffusers' ContextParallelConfig): the degree is
validated against the model's heads and the GPUs there are (CPU tests), and on two GPUs a model
split across two processes gives the output one GPU gives (cuda test, skipped without two)."""

import os
import socket

import pytest

from engine.errors import ShotlineError
from engine.render.context_parallel import check_degree, enable

WAN_1_3B_HEADS = 12


@pytest.mark.parametrize("degree", [1, 2, 3, 4, 6, 12])
def test_degrees_that_divide_wan_1_3b_heads_are_accepted(degree):
    check_degree(degree, WAN_1_3B_HEADS, gpus=12)


@pytest.mark.parametrize("degree", [5, 7, 8, 9, 10, 16])
def test_a_degree_that_does_not_divide_the_heads_is_refused_naming_the_option_and_the_choices(degree):
    with pytest.raises(ShotlineError) as err:
        check_degree(degree, WAN_1_3B_HEADS, gpus=16, model="Wan2.1-T2V-1.3B")
    text = str(err.value)
    assert "--context-parallel" in text and "12 attention heads of Wan2.1-T2V-1.3B" in text
    assert "2, 3, 4, 6, 12" in text and "\n" not in text


def test_more_gpus_than_there_are_is_refused():
    with pytest.raises(ShotlineError, match=r"--context-parallel.*4 GPUs asked for and 2 are visible"):
        check_degree(4, WAN_1_3B_HEADS, gpus=2)


@pytest.mark.parametrize("degree", [0, -2, 2.0, True, "2"])
def test_a_degree_that_is_not_a_positive_whole_number_is_refused(degree):
    with pytest.raises(ShotlineError, match="--context-parallel"):
        check_degree(degree, WAN_1_3B_HEADS, gpus=8)


def test_enabling_outside_a_process_group_says_how_to_launch():
    class Model:
        config = {"num_attention_heads": 12}

    model = Model()
    assert enable(model, 1) is model  # off: untouched
    with pytest.raises(ShotlineError, match=r"torchrun --nproc-per-node 2"):
        enable(model, 2)


def _tiny_multishot():
    """The multi-shot transformer with VACE's control branch (the engine's richest path)."""
    import torch

    from models.dit.vace import MultiShotVACETransformer

    torch.manual_seed(0)
    model = MultiShotVACETransformer(patch_size=(1, 2, 2), num_attention_heads=4, attention_head_dim=16, in_channels=4, out_channels=4, text_dim=32, freq_dim=32,
                                     ffn_dim=64, num_layers=2, rope_max_seq_len=64, rope_mode="4d", camera_frames_per_latent=1, vace_layers=(0, 1))  # fmt: skip
    for block in model.blocks:  # a camera encoder that does something (it starts at zero)
        for p in block.camera_encoder.parameters():
            torch.nn.init.normal_(p, std=0.1)
    return model.eval()


def _segments():
    """A noisy shot of 3 latent frames with a VACE control and a clean cache shot of 2 (timestep 0,
    no control, not predicted: per-token timesteps) on a 3x5 token grid: 75 tokens, which 2 does
    not divide; with cameras, each shot's own caption (the cross-attention mask) and 4D RoPE."""
    import torch

    from models.dit.transformer import Segment

    g = torch.Generator().manual_seed(1)
    noisy = Segment(torch.randn(1, 4, 3, 6, 10, generator=g), torch.full((3,), 1), torch.arange(3), torch.arange(3) + 2, torch.full((1,), 500.0),
                    torch.randn(1, 3, 12, generator=g), control=torch.randn(1, 96, 3, 6, 10, generator=g))  # fmt: skip
    cache = Segment(torch.randn(1, 4, 2, 6, 10, generator=g), torch.full((2,), 0), torch.arange(2), torch.arange(2), torch.zeros(1), torch.randn(1, 2, 12, generator=g), output=False)
    return [cache, noisy], torch.randn(1, 8, 32, generator=g), torch.tensor([-1, -1, 0, 0, 1, 1, -2, -2])


def _cpu_rank(rank: int, world: int, port: int, out: str) -> None:
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    model = enable(_tiny_multishot(), world, device="cpu")
    tokens = []
    model.blocks[0].register_forward_hook(lambda m, a, o: tokens.append(a[0].shape[1]))
    with torch.no_grad():
        y = model.forward_segments(*_segments())
    torch.save({"out": y, "tokens": tokens}, f"{out}.{rank}")
    # both ranks done before either tears down: rank 0 holds the TCP store, and going first left the
    # other's last exchange to an aborting gloo thread (SIGABRT "terminate called without an active
    # exception", seen once in CI on a loaded machine)
    dist.barrier()
    dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_multishot_vace_transformer_split_over_two_cpu_processes_gives_what_one_gives(tmp_path):
    torch = pytest.importorskip("torch")
    import torch.multiprocessing as mp

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            ref = _tiny_multishot().forward_segments(*_segments())
    finally:
        torch.set_num_threads(threads)
    out = str(tmp_path / "cp")
    mp.start_processes(_cpu_rank, args=(2, _free_port(), out), nprocs=2, start_method="spawn")
    ranks = [torch.load(f"{out}.{r}") for r in range(2)]
    assert [r["tokens"] for r in ranks] == [[38], [37]]  # each process attended from its share
    for r in ranks:
        for split, whole in zip(r["out"], ref):
            assert split.shape == whole.shape
            assert (split - whole).abs().max().item() < 1e-5 * max(1.0, whole.abs().max().item())


def _tiny_wan():
    import torch
    from diffusers import WanTransformer3DModel

    torch.manual_seed(0)
    return WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=4, attention_head_dim=16, in_channels=4, out_channels=4,
                                 text_dim=32, freq_dim=32, ffn_dim=64, num_layers=2, cross_attn_norm=True, rope_max_seq_len=64)


def _inputs(device):
    import torch

    g = torch.Generator().manual_seed(1)
    return torch.randn(1, 4, 4, 8, 8, generator=g).to(device), torch.tensor([500], device=device), torch.randn(1, 8, 32, generator=g).to(device)


def _rank(rank: int, world: int, port: int, out: str) -> None:
    import torch
    import torch.distributed as dist

    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    model = enable(_tiny_wan().to(f"cuda:{rank}").eval(), world)
    with torch.no_grad():
        y = model(*_inputs(f"cuda:{rank}"), return_dict=False)[0]
    if rank == 0:
        torch.save(y.cpu(), out)
    dist.destroy_process_group()


@pytest.mark.cuda
def test_two_gpus_split_a_shot_and_give_what_one_gives(tmp_path):
    torch = pytest.importorskip("torch")
    if torch.cuda.device_count() < 2:
        pytest.skip("needs two CUDA GPUs")
    import torch.multiprocessing as mp

    with torch.no_grad():
        ref = _tiny_wan().to("cuda:0").eval()(*_inputs("cuda:0"), return_dict=False)[0].cpu()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = str(tmp_path / "cp.pt")
    mp.start_processes(_rank, args=(2, port, out), nprocs=2, start_method="spawn")
    assert os.path.exists(out)
    split = torch.load(out)
    assert split.shape == ref.shape
    assert (split - ref).abs().max().item() < 1e-3 * max(1.0, ref.abs().max().item())
