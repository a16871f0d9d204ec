import { css } from 'lit';

/** Shared look: dark panels, one accent per plane (control plane, node agents, client). */
export const theme = css`
  :host {
    --kl-bg: #0f1419;
    --kl-panel: #161d26;
    --kl-border: #2a3441;
    --kl-text: #d8dee9;
    --kl-dim: #7b8794;
    --kl-accent: #5fb3f9;
    --kl-control: #c792ea;
    --kl-node: #7fd1a8;
    --kl-client: #f5c26b;
    --kl-drop: #f07178;
    color: var(--kl-text);
    font-family: system-ui, -apple-system, 'Segoe UI', sans-serif;
  }
  button,
  select {
    background: var(--kl-panel);
    color: var(--kl-text);
    border: 1px solid var(--kl-border);
    border-radius: 4px;
    padding: 4px 10px;
    font: inherit;
    cursor: pointer;
  }
  button:hover {
    border-color: var(--kl-accent);
  }
  code,
  pre {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 12px;
  }
`;
