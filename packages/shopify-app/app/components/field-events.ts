import { useCallback, useRef } from 'react';

/**
 * A ref for a Polaris web component field that calls `onValue` with its value on `input` and
 * `change` (React 18 does not attach onChange to custom elements).
 */
export function useFieldValue(onValue: (value: string, checked: boolean) => void) {
  const latest = useRef(onValue);
  latest.current = onValue;
  const cleanup = useRef<(() => void) | undefined>(undefined);
  return useCallback((element: HTMLElement | null) => {
    cleanup.current?.();
    cleanup.current = undefined;
    if (!element) return;
    const listener = () => {
      const field = element as HTMLElement & { value?: string; checked?: boolean };
      latest.current(String(field.value ?? ''), Boolean(field.checked));
    };
    element.addEventListener('input', listener);
    element.addEventListener('change', listener);
    cleanup.current = () => {
      element.removeEventListener('input', listener);
      element.removeEventListener('change', listener);
    };
  }, []);
}
