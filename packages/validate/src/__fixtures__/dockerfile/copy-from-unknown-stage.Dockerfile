# Broken on purpose: COPY --from names a stage that does not exist (a typo of "build").
FROM node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c AS base

FROM base AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM base AS runtime
WORKDIR /app
COPY --from=biuld /workspace/dist ./dist
USER 1000:1000
EXPOSE 3000
HEALTHCHECK CMD ["node", "-e", "fetch(\"http://127.0.0.1:3000/healthz\").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
