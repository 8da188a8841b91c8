import { EmptyState } from '../components/EmptyState';

export default function NotFound() {
  return (
    <EmptyState title="Page not found" action={{ href: '/runs', label: 'Show the training runs' }}>
      <p>No page of the dashboard has this address.</p>
    </EmptyState>
  );
}
