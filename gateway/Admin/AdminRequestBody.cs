using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Gateway.Transforms.Infrastructure.Problems;

namespace Gateway.Admin;

/// <summary>
/// The body of an admin call: read only after the caller is authenticated, at most <see cref="MaxBytes"/> however it is
/// sent (declared length or chunked), and within <see cref="ReadTimeout"/>, so a stalled upload cannot hold a request,
/// a connection or memory for longer than that.
/// </summary>
internal static class AdminRequestBody
{
    /// <summary>Largest admin body accepted.</summary>
    public const int MaxBytes = 4096;

    /// <summary>Time the whole body has to arrive once reading starts.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The body's bytes; null after writing the 413, 408 or 400 problem when it cannot be had.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpContext context, TimeProvider time)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBytes)
        {
            return await RefuseAsync(context, ProblemKind.PayloadTooLarge, $"Admin request bodies are limited to {MaxBytes} bytes.");
        }

        // Kestrel enforces the cap too, for a chunked body that keeps coming.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        using var timeout = new CancellationTokenSource(ReadTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        var buffer = new ArrayBufferWriter<byte>(512);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(MaxBytes + 1 - buffer.WrittenCount), linked.Token);
                if (read == 0)
                {
                    return buffer.WrittenMemory;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > MaxBytes)
                {
                    return await RefuseAsync(context, ProblemKind.PayloadTooLarge, $"Admin request bodies are limited to {MaxBytes} bytes.");
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return await RefuseAsync(context, ProblemKind.RequestTimeout,
                $"The request body did not arrive within {ReadTimeout.TotalSeconds:0} s.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return await RefuseAsync(context, ProblemKind.PayloadTooLarge, $"Admin request bodies are limited to {MaxBytes} bytes.");
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            return await RefuseAsync(context, ProblemKind.BadRequest, "The request body could not be read completely.");
        }
    }

    private static async Task<ReadOnlyMemory<byte>?> RefuseAsync(HttpContext context, ProblemKind kind, string detail)
    {
        // The rest of the body is never read: close the connection rather than drain it.
        context.Response.Headers.Connection = "close";
        await AdminAudit.ProblemAsync(context, kind, detail);
        return null;
    }
}
