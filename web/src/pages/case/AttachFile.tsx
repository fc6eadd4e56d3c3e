import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import FileUpload from "@cloudscape-design/components/file-upload";
import FormField from "@cloudscape-design/components/form-field";
import ProgressBar from "@cloudscape-design/components/progress-bar";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { unwrap, type Schemas } from "../../api/client";
import { describeError } from "../../components/errors";
import { useApi } from "../../context";
import { caseKey } from "./caseQueries";
import { timelineKey } from "./timelineQueries";
import { postToPresignedUrl } from "./upload";

/** Attach a file: the API records it and answers a presigned POST pinned to its size and type;
 * the browser then sends the bytes straight to S3, with progress. */
export function AttachFile({ caseId }: { caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload(file: File) {
    setError(null);
    setProgress({ name: file.name, percent: 0 });
    try {
      const added = unwrap<Schemas["AddedRelatedItem"]>(
        await api.POST("/cases/{caseId}/related-items", {
          params: { path: { caseId } },
          body: { type: "file", content: { fileName: file.name, contentType: file.type || "application/octet-stream", size: file.size } },
        }),
      );
      if (added.upload) {
        await postToPresignedUrl(added.upload.url, added.upload.fields as Record<string, string>, file, (percent) => setProgress({ name: file.name, percent }));
      }
      setProgress({ name: file.name, percent: 100 });
      void queryClient.invalidateQueries({ queryKey: timelineKey(caseId) });
      void queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
    } catch (failure) {
      setError(describeError(failure));
      setProgress(null);
    }
  }

  return (
    <SpaceBetween size="xs">
      <FormField label="Attach a file" errorText={error ?? undefined}>
        <FileUpload
          value={[]}
          onChange={({ detail }) => detail.value[0] && void upload(detail.value[0])}
          i18nStrings={{
            uploadButtonText: () => "Choose file",
            dropzoneText: () => "Drop a file to attach",
            removeFileAriaLabel: (index) => `Remove file ${index + 1}`,
            limitShowFewer: "Show fewer files",
            limitShowMore: "Show more files",
            errorIconAriaLabel: "Error",
            warningIconAriaLabel: "Warning",
          }}
        />
      </FormField>
      {progress && (
        <ProgressBar
          value={progress.percent}
          label={`Uploading ${progress.name}`}
          status={progress.percent === 100 ? "success" : "in-progress"}
          resultText={`${progress.name} attached`}
        />
      )}
      {progress?.percent === 100 && <Box variant="small">Attached.</Box>}
    </SpaceBetween>
  );
}
