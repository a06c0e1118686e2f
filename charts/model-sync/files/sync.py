"""Copies one Hugging Face repository revision into the model bucket, mounted by GCS FUSE at MODELS_DIR.

Idempotent: a file already in the bucket with the size the Hub lists is skipped (GCS FUSE exposes no etag to
compare), so a retry or a re-run resumes where the last one stopped. The completion marker is removed before the
first copy and written after the last one: engines wait for it and never load a partial checkpoint. GCS FUSE
finalizes an object when its file is closed, so an object appears whole or not at all.

Disk: each file is downloaded whole into SCRATCH_DIR, then written to the mount as a new object (an existing one
is deleted first). GCS FUSE streams a new file to GCS as it is written; an existing non-empty object, or a GKE
version without streaming writes, is staged whole on the pod's ephemeral storage instead. The pod budgets two
copies of the largest file (MAX_FILE_BYTES): a larger file fails here, before any download, not by eviction.
"""

import json
import os
import shutil
import sys

from huggingface_hub import HfApi, hf_hub_download

# Pickled and other-format copies of the weights the engines do not load when the repository has safetensors.
SKIPPED_WITH_SAFETENSORS = (".bin", ".pt", ".pth", ".msgpack", ".h5", ".gguf", ".onnx")


def wanted(names):
    has_safetensors = any(n.endswith(".safetensors") for n in names)
    for name in names:
        if name.startswith(".") or "/." in name or name.startswith("original/"):
            continue
        if has_safetensors and name.endswith(SKIPPED_WITH_SAFETENSORS):
            continue
        yield name


def size_of(path):
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return None


def main():
    repo, revision = os.environ["MODEL_ID"], os.environ["REVISION"]
    target = os.path.join(os.environ["MODELS_DIR"], repo)
    marker = os.path.join(target, os.environ["MARKER"])
    scratch = os.environ["SCRATCH_DIR"]
    max_file_bytes = int(os.environ["MAX_FILE_BYTES"])

    info = HfApi().model_info(repo, revision=revision, files_metadata=True)
    sizes = {s.rfilename: s.size for s in info.siblings}
    files = list(wanted(sizes))
    todo = [name for name in files if size_of(os.path.join(target, name)) != sizes[name]]
    try:
        with open(marker) as f:
            synced = json.load(f).get("revision")
    except (FileNotFoundError, ValueError):
        synced = None
    if not todo and synced == info.sha:
        print(f"{repo}@{info.sha}: {len(files)} files present, marker current: nothing to do")
        return 0

    too_large = [f"{name} ({sizes[name]} bytes)" for name in todo if sizes[name] > max_file_bytes]
    if too_large:
        print(
            f"{repo}@{info.sha}: {', '.join(too_large)} larger than MAX_FILE_BYTES={max_file_bytes}, the largest file"
            " the pod's ephemeral storage is sized for. Fix: raise MAX_CHECKPOINT_FILE_GB in catalog/models.ts",
            file=sys.stderr,
        )
        return 1

    os.makedirs(target, exist_ok=True)
    if os.path.exists(marker):
        os.remove(marker)
    for i, name in enumerate(todo, 1):
        print(f"{repo}@{info.sha}: [{i}/{len(todo)}] {name} ({sizes[name]} bytes)", flush=True)
        local = hf_hub_download(repo, name, revision=info.sha, local_dir=scratch)
        dest = os.path.join(target, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        # A new object, never an overwrite: GCS FUSE stages an overwritten object whole on local disk.
        if os.path.lexists(dest):
            os.remove(dest)
        shutil.copyfile(local, dest)
        os.remove(local)
        if size_of(dest) != sizes[name]:
            print(f"{dest}: size {size_of(dest)} after copy, Hub lists {sizes[name]}", file=sys.stderr)
            return 1
    with open(marker, "w") as f:
        json.dump({"repository": repo, "revision": info.sha, "files": files}, f)
    print(f"{repo}@{info.sha}: {len(todo)} copied, {len(files) - len(todo)} already present, marker written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
