import { describe, expect, it } from 'vitest';
import { ServiceMetrics } from './metrics.js';

// Prometheus's rate() needs a sample before the first increase: a series born at 5 counts as 0 calls.
describe('ServiceMetrics exports zeros before the first event', () => {
  it('a tool registered at start-up has every outcome at 0, calls and duration', async () => {
    const metrics = new ServiceMetrics({ defaultMetrics: false });
    metrics.tool('price_quote');
    const text = await metrics.render();
    for (const outcome of ['success', 'error', 'input_required']) {
      expect(text).toContain(`mcp_tool_calls_total{tool="price_quote",outcome="${outcome}"} 0`);
      expect(text).toContain(`mcp_tool_call_duration_seconds_count{tool="price_quote",outcome="${outcome}"} 0`);
    }
  });

  it('the common HTTP answers, 5xx-free /mcp and a not-ready /readyz included, start at 0', async () => {
    const text = await new ServiceMetrics({ defaultMetrics: false }).render();
    expect(text).toContain('http_requests_total{method="POST",route="/mcp",status="200"} 0');
    expect(text).toContain('http_requests_total{method="GET",route="/readyz",status="503"} 0');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/readyz",status="503"} 0');
  });
});
