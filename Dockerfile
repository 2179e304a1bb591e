# syntax=docker/dockerfile:1
# Multi-stage build of the tenant isolation gateway.
#   docker build -t tenant-gateway .
#   docker run -p 8080:8080 -p 127.0.0.1:9090:9090 -e Gateway__Jwt__Authority=https://login.example.com/realms/rag \
#              -e Gateway__Redis__Configuration=redis:6379 tenant-gateway
#   docker run -p 8080:8080 -p 127.0.0.1:9090:9090 -v $PWD/prod.json:/config/gateway.json tenant-gateway --config /config/gateway.json
# Port 8080 is the proxy (tenants' traffic); port 9090 is the management listener (/admin, /metrics; /healthz and
# /readyz answer on both): publish it only to operators and Prometheus.
# The image ships no signing key. Configure Gateway:Jwt:Authority or Gateway:Jwt:PublicKeys; until one is configured
# the gateway starts, logs a critical line saying so, answers /readyz with 503 and refuses every token.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY config/Gateway.Config.csproj config/
COPY transforms/Gateway.Transforms.csproj transforms/
COPY gateway/Gateway.csproj gateway/
RUN dotnet restore gateway/Gateway.csproj
COPY appsettings.json ./
COPY config/ config/
COPY transforms/ transforms/
COPY gateway/ gateway/
# The semantic cache's embedded model makes the app about 122 MB (a 91 MB assembly with the model inside, plus ONNX
# Runtime's native library for the build platform only, see Directory.Build.targets) instead of about 5 MB.
RUN dotnet publish gateway/Gateway.csproj -c Release -o /app --no-restore /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The root appsettings.json (no signing key) ships with the image; mount a file and pass --config to replace it, or
# override single keys with environment variables (Gateway__Section__Key). appsettings.Development.json is not copied.
ENV Urls=http://+:8080 \
    Gateway__Management__Urls=http://+:9090 \
    DOTNET_gcServer=1 \
    DOTNET_TieredPGO=1
EXPOSE 8080 9090
# Non-root user provided by the .NET runtime images (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "Gateway.dll"]
