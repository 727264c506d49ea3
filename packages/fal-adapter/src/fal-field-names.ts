/** fal input fields and the normalized names callers know them by. */
const normalizedNames: Readonly<Record<string, string>> = {
  image_url: 'image',
  ref_image_url: 'referenceImage',
  prompt: 'prompt',
  negative_prompt: 'negativePrompt',
  num_images: 'count',
  seed: 'seed',
  refine_prompt: 'refinePrompt',
  fast: 'qualityMode',
  steps_num: 'providerOptions.fal.inferenceSteps',
  sync_mode: 'providerOptions.fal.syncMode',
  video_url: 'video',
  background_color: 'background.color',
  output_container_and_codec: 'container',
  preserve_audio: 'keepAudio',
  blur_strength: 'background.strength',
  background_image_url: 'background.image',
  background_type: 'background',
};

/** The normalized name of the field a fal error location points at (`["body", "ref_image_url"]`). */
export function normalizedFieldName(location: readonly (string | number)[] | undefined): string | undefined {
  const field = location?.filter((part) => part !== 'body').at(-1);
  if (field === undefined) return undefined;
  return normalizedNames[String(field)] ?? String(field);
}
