# A static binary on a distroless base: no shell, no package manager, runs as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/rightsdesk ./cmd/rightsdesk \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rightsdesk /rightsdesk
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV RIGHTSDESK_ADDR=0.0.0.0:8080 \
    RIGHTSDESK_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/rightsdesk"]
CMD ["serve"]
