"""Training in several processes (`torchrun --nproc_per_node N -m mnist_cnn.train ...`): DistributedDataParallel.

torchrun starts N copies of the training script and tells each its rank through the environment. Every process
holds the whole network and its own shard of every epoch's images; after each backward pass the gradients are
averaged across processes, so all copies take the same step. Rank 0 alone checks, logs and writes checkpoints.
gloo carries the gradients between CPU processes, NCCL between GPUs. A plain `python -m mnist_cnn.train` is one
process of rank 0 and needs none of this.
"""

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class World:
    """This process's place among the training processes."""

    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        """The process that checks, logs and writes checkpoints."""
        return self.rank == 0


def join(device_name: str) -> World:
    """Join the process group torchrun set up in the environment (WORLD_SIZE > 1); a World of one otherwise."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size == 1:
        return World()
    world = World(int(os.environ["RANK"]), size, int(os.environ.get("LOCAL_RANK", "0")))
    cuda = device_name.startswith("cuda") or (device_name == "auto" and torch.cuda.is_available())
    if cuda:
        torch.cuda.set_device(world.local_rank)
    dist.init_process_group("nccl" if cuda else "gloo")
    return world


def leave(world: World) -> None:
    if world.size > 1 and dist.is_initialized():
        dist.destroy_process_group()


def wait_for_all(world: World) -> None:
    """Every process waits here until all have come (for example while rank 0 writes a checkpoint)."""
    if world.size > 1:
        dist.barrier()


def shard(order: torch.Tensor, world: World) -> torch.Tensor:
    """This process's share of an epoch's order of images: every size-th image from its rank on, the order
    first padded with its own beginning so that every process takes the same number of steps."""
    if world.size == 1:
        return order
    padding = -len(order) % world.size
    order = torch.cat([order, order[:padding]])
    return order[world.rank :: world.size]


def weights_digest(model: torch.nn.Module) -> str:
    """A short hash of a network's weights and buffers: equal in every process whose copy took the same steps."""
    digest = hashlib.sha256()
    for name, value in model.state_dict().items():
        digest.update(name.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def digests_of_all(model: torch.nn.Module, world: World) -> list[str]:
    """Every process's `weights_digest`, in rank order (gradients averaged in every step make them all equal)."""
    if world.size == 1:
        return [weights_digest(model)]
    digests: list[str | None] = [None] * world.size
    dist.all_gather_object(digests, weights_digest(model))
    return digests
