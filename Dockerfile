# syntax=docker/dockerfile:1
#
# One self-contained binary in a distroless image. The builder compiles the
# job with `deno task compile`, so the permission flags live in deno.json
# alone; the final image holds the binary and nothing else. The compile step
# downloads the runtime it embeds, so it runs on GitHub's runners (the
# release workflow), not on machines without that download.

# The tag must equal .dvmrc; tests/delivery/version_pins_test.ts checks it.
FROM denoland/deno:2.9.6 AS build
WORKDIR /build

# Dependencies first, so a change to the sources reuses this layer. The
# lockfile pins every npm package; --frozen-lockfile fails the build rather
# than resolve anything new.
COPY deno.json deno.lock ./
COPY src/ src/
RUN deno install --frozen-lockfile --entrypoint src/main.ts

RUN deno task compile && ./servicetags-checker --version

# Deno binaries need glibc and libgcc: the "cc" variant has both.
FROM gcr.io/distroless/cc-debian12:nonroot

ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="servicetags-checker" \
      org.opencontainers.image.description="Reads Azure Service Tags, compares them with the last snapshot and stores a change report" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

COPY --from=build /build/servicetags-checker /servicetags-checker
USER nonroot
ENTRYPOINT ["/servicetags-checker"]
