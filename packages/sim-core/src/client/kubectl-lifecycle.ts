/**
 * The life of one kubectl invocation, as an XState machine the kernel steps with `transition()`
 * (never with XState's own timers): load the kubeconfig, open TCP to the server, do the TLS
 * handshake, send the request, print the answer. The state value is stored as plain data.
 */
import { createMachine, initialTransition, transition, type SnapshotFrom } from 'xstate';

export const kubectlLifecycle = createMachine({
  id: 'kubectl',
  initial: 'loadingConfig',
  states: {
    loadingConfig: { on: { CONFIG_LOADED: 'connecting', FAIL: 'failed' } },
    connecting: { on: { TCP_ESTABLISHED: 'handshaking', FAIL: 'failed' } },
    handshaking: { on: { TLS_ESTABLISHED: 'requesting', FAIL: 'failed' } },
    requesting: { on: { RESPONSE: 'printing', FAIL: 'failed' } },
    printing: { on: { PRINTED: 'done' } },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type KubectlPhase = 'loadingConfig' | 'connecting' | 'handshaking' | 'requesting' | 'printing' | 'done' | 'failed';
export type KubectlEvent = { type: 'CONFIG_LOADED' | 'TCP_ESTABLISHED' | 'TLS_ESTABLISHED' | 'RESPONSE' | 'PRINTED' | 'FAIL' };

export function initialPhase(): KubectlPhase {
  const [snap] = initialTransition(kubectlLifecycle);
  return snap.value as KubectlPhase;
}

/** Steps the lifecycle; an event the phase does not accept leaves it where it is. */
export function nextPhase(phase: KubectlPhase, event: KubectlEvent): KubectlPhase {
  const snap = kubectlLifecycle.resolveState({ value: phase, context: {} }) as SnapshotFrom<typeof kubectlLifecycle>;
  const [next] = transition(kubectlLifecycle, snap, event);
  return next.value as KubectlPhase;
}
