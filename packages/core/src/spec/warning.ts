/** Something the provider could not honour exactly, reported on the result instead of staying silent. */
export interface BackdropWarning {
  /** `unsupported`: an option was ignored; `adjusted`: a value was changed to fit; `other`. */
  type: 'unsupported' | 'adjusted' | 'other';
  /** The normalized field concerned, when there is one. */
  field?: string | undefined;
  message: string;
}
