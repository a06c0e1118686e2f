{{/* Labels of every object of the release. */}}
{{- define "model-sync.labels" -}}
app.kubernetes.io/name: model-sync
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/*
The pod template of one model's Job (dict: root, model). A Job's template is immutable: the Job name carries a
hash of this text, so any change (model, revision, image, script) makes a new Job instead of a failed upgrade.
*/}}
{{- define "model-sync.podTemplate" -}}
{{- $root := .root }}
{{- $model := .model }}
metadata:
  labels:
    app.kubernetes.io/name: model-sync
    app.kubernetes.io/instance: {{ $root.Release.Name }}
    app.kubernetes.io/component: model-sync
    afpi.dev/model: {{ $model.name }}
  annotations:
    # GCS FUSE sidecar (GKE add-on): the bucket mount with the pod's Workload Identity.
    gke-gcsfuse/volumes: "true"
    # A scale-down of the CPU node mid-copy would cost a retry (and its time) for nothing.
    cluster-autoscaler.kubernetes.io/safe-to-evict: "false"
    gke-gcsfuse/cpu-limit: "0"
    gke-gcsfuse/memory-limit: "0"
    gke-gcsfuse/ephemeral-storage-limit: "0"
    gke-gcsfuse/cpu-request: {{ $root.Values.gcsfuseSidecar.cpuRequest | quote }}
    gke-gcsfuse/memory-request: {{ $root.Values.gcsfuseSidecar.memoryRequest | quote }}
    gke-gcsfuse/ephemeral-storage-request: {{ $root.Values.gcsfuseSidecar.ephemeralStorageRequest | quote }}
    checksum/script: {{ $root.Files.Get "files/sync.py" | sha256sum }}
spec:
  serviceAccountName: {{ $root.Values.serviceAccountName }}
  automountServiceAccountToken: false
  restartPolicy: Never
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  # CPU nodes only: a download must never hold (or scale up) a GPU node.
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - key: cloud.google.com/gke-accelerator
                operator: DoesNotExist
  containers:
    - name: sync
      image: {{ required "image is required" $root.Values.image | quote }}
      imagePullPolicy: {{ $root.Values.imagePullPolicy }}
      command: [python3, /opt/afpi/sync.py]
      env:
        - name: MODEL_ID
          value: {{ required "models[].huggingFaceId is required" $model.huggingFaceId | quote }}
        - name: REVISION
          value: {{ required "models[].revision is required" $model.revision | quote }}
        - name: MODELS_DIR
          value: /models
        - name: MARKER
          value: {{ $root.Values.marker | quote }}
        - name: SCRATCH_DIR
          value: /scratch/download
        - name: MAX_FILE_BYTES
          value: {{ required "maxFileBytes is required" $root.Values.maxFileBytes | int64 | quote }}
        - name: HF_TOKEN_PATH
          value: /var/run/secrets/huggingface/token
        - name: HF_HOME
          value: /scratch/hf
        - name: HOME
          value: /scratch
        # Read-only root filesystem: temporary files go to the budgeted scratch volume; no xet chunk cache on it.
        - name: TMPDIR
          value: /scratch
        - name: HF_XET_CHUNK_CACHE_SIZE_BYTES
          value: "0"
        - name: PYTHONDONTWRITEBYTECODE
          value: "1"
        - name: HF_HUB_DISABLE_TELEMETRY
          value: "1"
      {{- $resources := deepCopy $root.Values.resources }}
      {{- $_ := set $resources.requests "ephemeral-storage" $root.Values.ephemeralStorage }}
      {{- $_ := set $resources.limits "ephemeral-storage" $root.Values.ephemeralStorage }}
      resources:
        {{- toYaml $resources | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        capabilities:
          drop: [ALL]
      volumeMounts:
        - name: script
          mountPath: /opt/afpi
          readOnly: true
        - name: models
          mountPath: /models
        - name: scratch
          mountPath: /scratch
        - name: hf-token
          mountPath: /var/run/secrets/huggingface
          readOnly: true
  volumes:
    - name: script
      configMap:
        name: {{ $root.Release.Name }}-script
    - name: models
      csi:
        driver: gcsfuse.csi.storage.gke.io
        volumeAttributes:
          bucketName: {{ required "bucket is required" $root.Values.bucket | quote }}
          # Non-root writer: the mount belongs to the container's user. Streaming writes upload a new file as it is
          # written instead of staging it whole on the pod's disk (default only from GKE 1.33.2-gke.4655000).
          mountOptions: {{ printf "implicit-dirs,only-dir=%s,uid=10001,gid=10001,write:enable-streaming-writes:true" $root.Values.onlyDir | quote }}
    - name: scratch
      emptyDir:
        sizeLimit: {{ $root.Values.ephemeralStorage }}
    - name: hf-token
      csi:
        driver: secrets-store-gke.csi.k8s.io
        readOnly: true
        volumeAttributes:
          secretProviderClass: {{ $root.Release.Name }}-hf-token
{{- end }}
