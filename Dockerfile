# HoiDoan container: the bot (webhook mode by default) with the offline model built in.
#
#   docker build -t hoidoan .
#   docker run -e HOIDOAN_TELEGRAM_TOKEN=... -e HOIDOAN_WEBHOOK_URL=https://bot.example.org/tg \
#              -e HOIDOAN_WEBHOOK_SECRET=... -p 8080:8080 -v hoidoan-data:/app/data hoidoan
#
# torch is the CPU build 2.13.0, never a CUDA build: pip takes it from PyTorch's CPU index
# (TORCH_INDEX), or first from a folder of wheels mounted at /wheels at build time
# (`podman build -v /opt/wheels:/wheels:ro --build-arg TORCH_INDEX= ...`, see
# scripts/container-build.sh; an empty TORCH_INDEX means "only PyPI and /wheels").

# --- build stage: the model, built with PyTorch, and the bot's own environment without it ----
FROM python:3.11-slim AS build
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
# Optional CA bundle for pip behind an inspecting proxy (a build-time mount, never copied).
ARG PIP_CERT=
# pip's cache stays on (this stage is thrown away): the bot's environment below reuses the
# wheels the build environment downloaded.
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# Two environments. /opt/build has torch, transformers and the ONNX exporter, needed only to
# rebuild and export the model (`hoidoan model install`, the `model` extra). /opt/venv is what
# the runtime stage copies: the bot's dependencies alone (pyproject's `dependencies`).
RUN python -m venv /opt/build \
 && /opt/build/bin/pip install --find-links /wheels ${TORCH_INDEX:+--extra-index-url "$TORCH_INDEX"} "torch==2.13.0"
# Dependencies first, from pyproject.toml alone: a code change then rebuilds only the layers below.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['model']))" > /tmp/build.txt \
 && /opt/build/bin/pip install --find-links /wheels ${TORCH_INDEX:+--extra-index-url "$TORCH_INDEX"} -r /tmp/build.txt \
 && /opt/build/bin/python -c "import torch, sys; sys.exit('CUDA build of torch' if torch.version.cuda else 0)"
# underthesea is installed without its dependencies (a model hub client, scikit-learn's
# joblib, ...): the bot reads only its Viet74K word list (bot/search/diacritics.py). Of wordfreq's
# word lists only the Vietnamese one is read (58 MB -> 0.1 MB). pip and setuptools are not
# needed to run.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(d for d in p['dependencies'] if not d.startswith('underthesea')))" > /tmp/runtime.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-compile -r /tmp/runtime.txt \
 && /opt/venv/bin/pip install --no-compile --no-deps "underthesea>=6.8" \
 && find /opt/venv/lib/python3*/site-packages/wordfreq/data -type f ! -name '*_vi.*' -delete
COPY bot ./bot
RUN /opt/build/bin/pip install --no-deps . \
 && /opt/venv/bin/pip install --no-compile --no-deps . \
 && /opt/venv/bin/pip uninstall -y -q pip setuptools
# The model is built now, so the running container never downloads anything. The runtime
# keeps only what ONNX Runtime serves from: the encoder, the trimmed word-embedding table
# and the tokenizer, not the 471 MB checkpoint that PyTorch loads.
RUN HOIDOAN_CACHE_DIR=/opt/hoidoan-cache /opt/build/bin/hoidoan model install \
 && HOIDOAN_CACHE_DIR=/opt/hoidoan-cache /opt/build/bin/hoidoan model check \
 && rm /opt/hoidoan-cache/models/*/model.safetensors \
 && HOIDOAN_CACHE_DIR=/opt/hoidoan-cache /opt/venv/bin/hoidoan model check
# Bytecode only for the modules the bot imports (found by indexing and answering once, plus
# the readers' and the bot's lazy imports): 30 MB instead of 90 MB for every module installed.
COPY knowledge /tmp/warm/knowledge
RUN cd /tmp/warm && export PYTHONDONTWRITEBYTECODE= HOIDOAN_CACHE_DIR=/tmp/warm/cache \
 && mkdir cache && cp -r /opt/hoidoan-cache/models cache/ \
 && /opt/venv/bin/hoidoan index >/dev/null && /opt/venv/bin/hoidoan ask "ket nap doan may tuoi" >/dev/null \
 && /opt/venv/bin/python -c "import onnxruntime, tokenizers, faiss, bm25s, alembic.command, docx, pypdfium2, \
trafilatura, striprtf.striprtf, viparse, PIL.Image, PIL.ImageDraw, PIL.ImageFont, wordfreq, psycopg2, telegram.ext, \
aiohttp, prometheus_client, psutil, bot.telegram.app, bot.telegram.runner, bot.documents.readers, bot.documents.ocr, bot.storage.backup, \
bot.documents.sandbox, bot.storage.replication" \
 && rm -rf /tmp/warm

# --- runtime stage ------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    HOIDOAN_KNOWLEDGE_DIR=/app/knowledge \
    HOIDOAN_INDEX_DIR=/app/index \
    HOIDOAN_DATA_DIR=/app/data \
    HOIDOAN_CACHE_DIR=/app/.cache \
    HOIDOAN_WEBHOOK_PORT=8080
# Reading real office files (bot/documents/readers.py): Tesseract with its Vietnamese data for scans
# and photos, antiword for Word 97-2003 .doc files.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie antiword \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin hoidoan
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=hoidoan:hoidoan /opt/hoidoan-cache/models /app/.cache/models
COPY --chown=hoidoan:hoidoan knowledge /app/knowledge
RUN mkdir -p /app/index /app/data /app/.cache/embeddings \
 && chown hoidoan:hoidoan /app /app/index /app/data /app/.cache /app/.cache/embeddings
WORKDIR /app
USER hoidoan
# Index the sample knowledge base now: the container answers out of the box, offline.
RUN hoidoan index && hoidoan ask "Đại hội chi đoàn bầu Ban Chấp hành gồm mấy đồng chí?" >/dev/null
VOLUME ["/app/knowledge", "/app/index", "/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD python -c "import os, sys, urllib.request; port = os.environ.get('HOIDOAN_WEBHOOK_PORT', '8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"
ENTRYPOINT ["hoidoan"]
CMD ["run", "--webhook"]
