const overview = `backdrop: remove or replace the background of images and videos.

Usage:
  backdrop remove <input> [--format png|webp] [-o <path>] [--provider fal|inferencesh|local] [--json]
  backdrop replace <input> (--prompt <text> | --ref <image> | --color <colour>)
                   [--negative-prompt <text>] [--seed <n>] [--count <n>] [--format png|webp|jpeg]
                   [-o <path>] [--provider ...] [--json]
  backdrop video <input> [--background transparent|blur|<colour>|<image>] [--container <name>]
                 [--no-audio] [-o <path>] [--provider ...] [--json]
  backdrop batch <dir> --op remove|replace [replace flags] --out <dir> [--concurrency <n>] [--provider ...]
                 [--queue redis://<host>:<port>] [--json]
  backdrop worker --queue redis://<host>:<port> [--concurrency <n>] [--stall-timeout <s>] [--fallback]
                  [--provider ...] [--json]
  backdrop resume <handle-file> [--json]
  backdrop providers [--json]

<input> is a file path or an http(s) URL. Results go beside the input as <stem>.<op>.<ext>
unless -o says otherwise; several results are numbered -1, -2, ... and written all or none.
-o may name a file (its missing folders are created) or an existing folder (<stem>.<op>.<ext>
inside it); -o equal to the input, under a file, or a device is refused before anything is sent.

Providers: --provider, else every configured one in this order, the first able to do the job:
  fal          FAL_KEY (or BACKDROP_FAL_PROXY_URL to go through your fal server proxy)
  inferencesh  INFERENCE_API_KEY (BACKDROP_INFERENCE_BASE_URL replaces https://api.inference.sh)
  local        offline, no key (needs @imgly/background-removal-data or BACKDROP_LOCAL_MODEL)

A paid result is never lost: downloads are retried, and when the result still cannot be
downloaded or written, the job's handle is saved as <output>.job.json; "backdrop resume" then
fetches and writes it without a new job. A job's start is never resent when its answer was lost.

Exit codes: 0 done; 1 batch: some files failed before sending, others were done; 2 invalid
input or usage (nothing was sent); 3 the provider refused the content or the input; 4 provider,
network or timeout failure after retries (or a paid result kept for resume); 130 interrupted.
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
  Runs every image in <dir>, at most --concurrency provider jobs at once (default 4); the next
  files upload while those run, and each job is followed as the provider reports it. A rerun skips files already done and resumes kept paid jobs
  (<name>.job.json) without paying again; one failure never stops the rest. a.png and a.jpg
  both get results (a.png.remove.png, a.jpg.remove.png). Ctrl-C stops, and --json still prints
  the done/failed/skipped/interrupted summary.
  --queue redis://...  enqueue the images for "backdrop worker"s (on this or other machines that
                       share <dir> and --out) and follow them; Ctrl-C stops following, the jobs
                       stay queued. BACKDROP_QUEUE_NAME names the queue (default backdrop).`,
  worker: `backdrop worker --queue redis://<host>:<port> [--concurrency <n>] [--stall-timeout <s>] [--fallback]
  Runs the images "backdrop batch --queue" enqueued, with this machine's provider keys, writing
  into the shared --out folder. A job whose worker dies is taken over after --stall-timeout
  (default 30 s) and its provider job resumed, never paid twice. Retryable failures are retried
  with backoff; --fallback moves a job to the next configured provider when one keeps failing.
  SIGTERM or Ctrl-C finishes the jobs in hand, then stops; a second signal leaves at once.`,
  resume: `backdrop resume <handle-file> [--json]
  Fetches the result of a paid job whose download or write failed, from the <output>.job.json
  the failed run saved, and writes it where that run meant to. No new job, nothing paid again.`,
  providers: `backdrop providers [--json]
  Lists the configured providers and what each can do.`,
};

export function helpText(topic?: string): string {
  return (topic && topics[topic]) || overview;
}
