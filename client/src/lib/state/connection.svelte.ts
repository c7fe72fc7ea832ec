export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

class ConnectionState {
  status = $state<ConnectionStatus>('disconnected');
  live = $derived(this.status === 'connected');
}

export const connection = new ConnectionState();
