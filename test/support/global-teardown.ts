export default async function globalTeardown(): Promise<void> {
  const prometheus = (globalThis as Record<string, unknown>).__ATS_PROMETHEUS__ as { stop(): Promise<void> } | undefined;
  await prometheus?.stop();
}
