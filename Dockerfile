# The audienceflow image: the CLI, the worker and the Pinpoint emulator (one image, three commands).
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
COPY package.json package-lock.json ./
# npm install, not npm ci: the lockfile cannot list @swc/core's other-platform binaries (see README).
RUN npm install --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY tsconfig.json ./
USER node
ENTRYPOINT ["node", "bin/audienceflow.js"]
CMD ["--help"]
