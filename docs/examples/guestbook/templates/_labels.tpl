app.kubernetes.io/name: {{ app }}
app.kubernetes.io/instance: {{ app }}-{{ environment | default "default" }}
environment: {{ environment | default "default" }}
