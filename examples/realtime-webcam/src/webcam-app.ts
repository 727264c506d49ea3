// The page's logic: camera frames out at 15 fps, processed frames in, the background switchable live.
import {
  type BackdropRealtimeSession,
  type BackgroundInput,
  createBackdrop,
  isBackdropError,
  type NamedColor,
} from '@backdrop/core';
import { createFal } from '@backdrop/fal-adapter';

const framesPerSecond = 15;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const camera = element<HTMLVideoElement>('camera');
const output = element<HTMLImageElement>('output');
const startButton = element<HTMLButtonElement>('start');
const stopButton = element<HTMLButtonElement>('stop');
const status = element<HTMLParagraphElement>('status');
const colour = element<HTMLSelectElement>('color');
const strength = element<HTMLInputElement>('strength');
const imageInput = element<HTMLInputElement>('image');

// The key stays on the server: the browser only ever holds short-lived tokens from it.
const backdrop = createBackdrop({
  providers: [
    createFal({
      realtimeTokenProvider: async (app) => {
        const response = await fetch('/api/fal/realtime-token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ app }),
        });
        if (!response.ok) throw new Error(`the token route answered HTTP ${response.status}`);
        return response.text();
      },
    }),
  ],
});

let session: BackdropRealtimeSession | undefined;
let stream: MediaStream | undefined;
let captureTimer: ReturnType<typeof setInterval> | undefined;
let statsTimer: ReturnType<typeof setInterval> | undefined;
let shownUrl: string | undefined;
const receivedAt: number[] = [];
// "Live." is said only once a frame sent since the last start, switch or error came back
// processed: answers to frames already in flight at a switch do not count.
let awaitingFrame = true;
let answersToSkip = 0;

function chosenBackground(): BackgroundInput {
  const kind = (document.querySelector('input[name="kind"]:checked') as HTMLInputElement | null)?.value;
  if (kind === 'blur') return { type: 'blur', strength: Number(strength.value) };
  const file = imageInput.files?.[0];
  if (kind === 'image' && file) return { type: 'image', image: file };
  return colour.value as NamedColor;
}

function say(message: string): void {
  status.textContent = message;
}

function explain(error: unknown): string {
  return isBackdropError(error) ? error.message : String(error);
}

async function captureFrame(canvas: HTMLCanvasElement): Promise<void> {
  if (!session || camera.videoWidth === 0) return;
  canvas.width = camera.videoWidth;
  canvas.height = camera.videoHeight;
  canvas.getContext('2d')?.drawImage(camera, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
  // Backdrop sends the JPEG as fal's live app reads it (a data URI); the Blob goes as it is.
  if (blob && session) session.send(blob);
}

function showStats(): void {
  if (!session) return;
  const now = performance.now();
  while (receivedAt.length > 0 && now - (receivedAt[0] ?? now) > 1000) receivedAt.shift();
  const stats = session.stats();
  element('fps').textContent = String(receivedAt.length);
  element('latency').textContent = stats.latencyMs ? String(Math.round(stats.latencyMs.median)) : '–';
  element('dropped').textContent = String(stats.framesDropped);
}

async function start(): Promise<void> {
  startButton.disabled = true;
  say('Starting the camera...');
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    camera.srcObject = stream;
    await camera.play();
    say('Connecting...');
    const live = await backdrop.connectRealtimeVideo({ background: chosenBackground() });
    session = live;
    awaitingFrame = true;
    live.onFrame((frame) => {
      receivedAt.push(performance.now());
      if (answersToSkip > 0) answersToSkip--;
      else if (awaitingFrame) {
        awaitingFrame = false;
        say('Live.');
      }
      const url = frame.data
        ? URL.createObjectURL(
            new Blob([frame.data as Uint8Array<ArrayBuffer>], { type: frame.contentType ?? 'image/jpeg' }),
          )
        : frame.url;
      if (!url) return;
      if (shownUrl?.startsWith('blob:')) URL.revokeObjectURL(shownUrl);
      shownUrl = url;
      output.src = url;
    });
    let lastError: string | undefined;
    live.onError((error) => {
      lastError = error.message;
      awaitingFrame = true;
      say(`The live session reported: ${error.message}`);
    });
    // The session can end on its own (it gave up reconnecting): say so, and offer Start again.
    void live.closed.then(() => {
      if (session !== live) return;
      void stop(lastError ? `The live session reported: ${lastError}` : 'The live session ended.');
    });
    const canvas = document.createElement('canvas');
    captureTimer = setInterval(() => void captureFrame(canvas), 1000 / framesPerSecond);
    statsTimer = setInterval(showStats, 250);
    stopButton.disabled = false;
    say('Waiting for the first processed frame...');
  } catch (error) {
    await stop(`Could not start: ${explain(error)}`);
  }
}

async function stop(message = 'Stopped.'): Promise<void> {
  clearInterval(captureTimer);
  clearInterval(statsTimer);
  const ending = session;
  session = undefined;
  await ending?.close();
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = undefined;
  camera.srcObject = null;
  startButton.disabled = false;
  stopButton.disabled = true;
  say(message);
}

async function switchBackground(): Promise<void> {
  if (!session) return;
  try {
    await session.setBackground(chosenBackground());
    awaitingFrame = true;
    answersToSkip = session.stats().framesInFlight;
    say('Switching the background...');
  } catch (error) {
    say(`That background cannot be used: ${explain(error)}`);
  }
}

startButton.addEventListener('click', () => void start());
stopButton.addEventListener('click', () => void stop());
element('controls').addEventListener('change', () => void switchBackground());
