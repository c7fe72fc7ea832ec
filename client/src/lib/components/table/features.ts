// The TanStack Table features DataTable registers (one place, so the header and
// the table agree on the types).
import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/svelte-table';

export const features = tableFeatures({
  columnSizingFeature,
  columnResizingFeature,
  columnOrderingFeature,
  columnVisibilityFeature,
  rowSortingFeature,
});
export type Features = typeof features;
