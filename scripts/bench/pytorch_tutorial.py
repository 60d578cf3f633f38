"""The tutorial's three trainings in PyTorch + Lightning, for `cargo bench --bench train_side_by_side`.

Re-implements the original notebook's pipeline (our code, its semantics): torchvision MNIST and an
ImageFolder of matplotlib spectrogram PNGs, the LeNet-style Encoder, pytorch-metric-learning's
semihard TripletMarginMiner + TripletMarginLoss (margin 0.5), cross-entropy + triplet for the
multimodal model, Adam at 1e-3, shuffled drop_last batches, Lightning's Trainer(deterministic=True),
seed_everything(seed) before each run. Batch sizes 512 (audio), 64 (image), 256 (multimodal),
2 epochs each.

After each training it writes the validation embeddings (MNIST test images, FSDD validation
spectrograms) as raw little-endian float32 plus labels, for our metrics code to score, and prints one
JSON line per run with its wall time and samples per second.
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import lightning as L
from pytorch_metric_learning import losses, miners


class Encoder(nn.Module):
    def __init__(self, fc1_size, embedding_size=128):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(fc1_size, 512)
        self.fc2 = nn.Linear(512, 512)
        self.encoding_layer = nn.Linear(512, embedding_size)
        self.output_layer = nn.Linear(embedding_size, 10)

    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.conv1(x)), 2)
        x = F.avg_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        x = F.relu(self.fc2(x))
        encoded = self.encoding_layer(x)
        return self.output_layer(encoded), F.normalize(encoded, dim=1)


class Triplet(nn.Module):
    def __init__(self, margin=0.5, with_ce=False):
        super().__init__()
        self.miner = miners.TripletMarginMiner(margin=margin, type_of_triplets="semihard")
        self.loss = losses.TripletMarginLoss(margin=margin, swap=False)
        self.with_ce = with_ce
        self.mining_seconds = 0.0

    def forward(self, logits, embeddings, labels):
        t0 = time.perf_counter()
        value = self.loss(embeddings, labels, self.miner(embeddings, labels))
        if self.with_ce:
            value = value + F.cross_entropy(logits, labels)
        self.mining_seconds += time.perf_counter() - t0
        return value


class Pairs(torch.utils.data.Dataset):
    """Pairs item i of each set; the shorter set is drawn at random past its end."""

    def __init__(self, images, audio):
        self.images, self.audio = images, audio

    def __len__(self):
        return max(len(self.images), len(self.audio))

    def _take(self, ds, i):
        return ds[i if i < len(ds) else random.randrange(len(ds))]

    def __getitem__(self, i):
        image, image_label = self._take(self.images, i)
        audio, audio_label = self._take(self.audio, i)
        return image, audio, image_label, audio_label


class Module(L.LightningModule):
    def __init__(self, kind, encoders, loss, lr=1e-3):
        super().__init__()
        self.kind = kind
        self.encoders = nn.ModuleDict(encoders)
        self.loss_fn = loss
        self.lr = lr

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)

    def batch_loss(self, batch):
        images, audio, image_labels, audio_labels = batch
        if self.kind == "audio":
            logits, emb = self.encoders["audio"](audio)
            return self.loss_fn(logits, emb, audio_labels)
        if self.kind == "image":
            logits, emb = self.encoders["image"](images)
            return self.loss_fn(logits, emb, image_labels)
        il, ie = self.encoders["image"](images)
        al, ae = self.encoders["audio"](audio)
        return self.loss_fn(torch.cat([il, al]), torch.cat([ie, ae]), torch.cat([image_labels, audio_labels]))

    def training_step(self, batch, batch_idx):
        loss = self.batch_loss(batch)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("valid_loss", self.batch_loss(batch), on_epoch=True, prog_bar=True)


def datasets(mnist_root, spectrograms):
    image_tf = torchvision.transforms.Compose([
        torchvision.transforms.ToTensor(),
        torchvision.transforms.Resize((28, 28), antialias=True),
        torchvision.transforms.Normalize(mean=(0.1307,), std=(0.3081,)),
    ])
    audio_tf = torchvision.transforms.Compose([
        torchvision.transforms.ToTensor(),
        torchvision.transforms.Resize((64, 64), antialias=True),
        torchvision.transforms.Normalize((0.4729,), (0.1477,)),
        lambda x: x[0:1],
    ])
    folder = torchvision.datasets.ImageFolder
    return {
        "train": Pairs(torchvision.datasets.MNIST(mnist_root, train=True, transform=image_tf),
                       folder(os.path.join(spectrograms, "train"), transform=audio_tf)),
        "val": Pairs(torchvision.datasets.MNIST(mnist_root, train=False, transform=image_tf),
                     folder(os.path.join(spectrograms, "validation"), transform=audio_tf)),
    }


def embed(encoder, ds, out_path):
    loader = torch.utils.data.DataLoader(ds, batch_size=512, shuffle=False)
    rows, labels = [], []
    encoder.eval()
    with torch.no_grad():
        for x, y in loader:
            rows.append(encoder(x)[1])
            labels.append(y)
    encoder.train()
    np.asarray(torch.cat(rows).numpy(), dtype="<f4").tofile(out_path + ".f32")
    np.asarray(torch.cat(labels).numpy(), dtype=np.uint8).tofile(out_path + ".u8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", required=True, help="folder holding MNIST/raw/*-ubyte")
    ap.add_argument("--spectrograms", required=True, help="ImageFolder root with train/ and validation/")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    data = datasets(args.mnist, args.spectrograms)
    runs = [("audio", 512, False), ("image", 64, False), ("multimodal", 256, True)]
    for kind, batch_size, with_ce in runs:
        L.seed_everything(args.seed, workers=True)
        encoders = {}
        if kind in ("image", "multimodal"):
            encoders["image"] = Encoder(256)
        if kind in ("audio", "multimodal"):
            encoders["audio"] = Encoder(2704)
        loss = Triplet(with_ce=with_ce)
        module = Module(kind, encoders, loss)
        loaders = [
            torch.utils.data.DataLoader(data[split], batch_size=batch_size, shuffle=True,
                                        drop_last=(split == "train"), num_workers=args.workers,
                                        persistent_workers=args.workers > 0)
            for split in ("train", "val")
        ]
        trainer = L.Trainer(max_epochs=args.epochs, deterministic=True, accelerator="cpu",
                            enable_checkpointing=False, logger=False, enable_progress_bar=False,
                            enable_model_summary=False, num_sanity_val_steps=0)
        t0 = time.perf_counter()
        trainer.fit(module, *loaders)
        seconds = time.perf_counter() - t0
        steps = trainer.global_step
        if "image" in encoders:
            embed(encoders["image"], data["val"].images, os.path.join(args.out, f"{kind}_image"))
        if "audio" in encoders:
            embed(encoders["audio"], data["val"].audio, os.path.join(args.out, f"{kind}_audio"))
        print(json.dumps({"model": kind, "seed": args.seed, "steps": steps,
                          "samples": steps * batch_size, "fit_seconds": seconds,
                          "mining_loss_seconds": loss.mining_seconds}), flush=True)


if __name__ == "__main__":
    main()
