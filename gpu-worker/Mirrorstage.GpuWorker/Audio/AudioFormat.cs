namespace Mirrorstage.GpuWorker.Audio;

public enum AudioKind { Pcm, Wav, Mp3, Ogg, Flac }

/// <summary>What a binary frame holds, from its first bytes: WAV "RIFF", MP3 "ID3" or a frame sync, Ogg "OggS",
/// FLAC "fLaC"; anything else is raw PCM s16le 16 kHz mono.</summary>
public static class AudioFormat
{
    public static AudioKind Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', ..] => AudioKind.Wav,
        [(byte)'I', (byte)'D', (byte)'3', ..] => AudioKind.Mp3,
        [0xFF, var b, ..] when (b & 0xE0) == 0xE0 && (b & 0x06) != 0 => AudioKind.Mp3,
        [(byte)'O', (byte)'g', (byte)'g', (byte)'S', ..] => AudioKind.Ogg,
        [(byte)'f', (byte)'L', (byte)'a', (byte)'C', ..] => AudioKind.Flac,
        _ => AudioKind.Pcm,
    };
}
