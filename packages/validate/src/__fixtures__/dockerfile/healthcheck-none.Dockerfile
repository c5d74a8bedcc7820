# Broken on purpose: HEALTHCHECK NONE disables the check.
FROM node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c AS base

FROM base AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM base AS runtime
WORKDIR /app
COPY --from=build /workspace/dist ./dist
USER 1000:1000
EXPOSE 3000
HEALTHCHECK NONE
CMD ["node", "dist/main.js"]
