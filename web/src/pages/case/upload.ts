/** A presigned POST to S3 with progress: fetch() reports no upload progress, XMLHttpRequest does. */
export function postToPresignedUrl(url: string, fields: Record<string, string>, file: File, onProgress: (percent: number) => void): Promise<void> {
  const form = new FormData();
  Object.entries(fields).forEach(([name, value]) => form.append(name, value));
  form.append("file", file); // S3 requires the file to be the last field
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(Math.round((100 * event.loaded) / event.total));
    request.onload = () => (request.status >= 200 && request.status < 300 ? resolve() : reject(new Error(`The upload was refused (HTTP ${request.status})`)));
    request.onerror = () => reject(new Error("The upload failed: network error"));
    request.send(form);
  });
}
