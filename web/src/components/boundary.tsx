/**
 * Keeps one page's rendering failure (e.g. an API answering an unexpected shape) inside that page.
 */
import { Component, type ReactNode } from 'react';

/** Props of {@link PageBoundary}. */
interface Props {
  children: ReactNode;
}

/** Shows an inline note instead of a blank app when a page fails to render. */
export class PageBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <p className="note note-error" role="alert">
          This page could not be shown: {this.state.error.message}. The API may have answered in an unexpected shape; other pages still work.
        </p>
      );
    }
    return this.props.children;
  }
}
