//! The `compress` (.Z) format's LZW, decoding only, as gzip -d and zcat read it: codes of 9 to
//! 16 bits written low bit first in groups of eight; a change of code width (and a CLEAR code
//! in block mode) pads the group out, so reading skips to the next group.

/// The `.Z` magic.
pub const MAGIC: [u8; 2] = [0x1f, 0x9d];

const CLEAR: usize = 256;
const BLOCK_MODE: u8 = 0x80;

/// Decodes a whole `.Z` stream.
pub fn decode(data: &[u8]) -> Result<Vec<u8>, String> {
    if data.len() < 3 || data[..2] != MAGIC {
        return Err("not in compress format".into());
    }
    let max_bits = u32::from(data[2] & 0x1f);
    let block_mode = data[2] & BLOCK_MODE != 0;
    if !(9..=16).contains(&max_bits) {
        return Err(format!(
            "compressed with {max_bits} bits, can only handle 16 bits"
        ));
    }
    let input = &data[3..];
    let total_bits = input.len() * 8;
    let table_size = 1usize << max_bits;
    let mut prefix = vec![0u16; table_size];
    let mut suffix: Vec<u8> = (0..table_size).map(|i| i as u8).collect();
    let first_free = if block_mode { CLEAR + 1 } else { CLEAR };
    let mut n_bits = 9u32;
    let mut max_code = (1usize << n_bits) - 1;
    let mut free = first_free;
    let mut position = 0usize;
    let mut group_start = 0usize;
    let mut old_code: Option<usize> = None;
    let mut first_byte = 0u8;
    let mut output = Vec::with_capacity(input.len() * 3);
    let mut stack = Vec::new();
    // Skips the rest of the current group of eight codes, where the writer padded it.
    let next_group = |position: usize, group_start: usize, n_bits: u32| {
        let group = n_bits as usize * 8;
        group_start + (position - group_start).div_ceil(group) * group
    };
    loop {
        if free > max_code && n_bits < max_bits {
            position = next_group(position, group_start, n_bits);
            group_start = position;
            n_bits += 1;
            max_code = if n_bits == max_bits {
                table_size
            } else {
                (1usize << n_bits) - 1
            };
        }
        if position + n_bits as usize > total_bits {
            break;
        }
        let code = read_code(input, position, n_bits);
        position += n_bits as usize;
        let Some(previous) = old_code else {
            if code >= CLEAR {
                return Err("corrupt input".into());
            }
            first_byte = code as u8;
            output.push(first_byte);
            old_code = Some(code);
            continue;
        };
        if code == CLEAR && block_mode {
            position = next_group(position, group_start, n_bits);
            group_start = position;
            n_bits = 9;
            max_code = (1usize << n_bits) - 1;
            free = first_free - 1;
            continue;
        }
        let mut current = code;
        if current >= free {
            if current > free {
                return Err("corrupt input".into());
            }
            // The code being defined (KwKwK): the previous string and its own first byte.
            stack.push(first_byte);
            current = previous;
        }
        while current >= CLEAR {
            stack.push(suffix[current]);
            current = usize::from(prefix[current]);
        }
        first_byte = suffix[current];
        stack.push(first_byte);
        output.extend(stack.drain(..).rev());
        if free < table_size {
            prefix[free] = previous as u16;
            suffix[free] = first_byte;
            free += 1;
        }
        old_code = Some(code);
    }
    Ok(output)
}

/// `n_bits` bits at bit `position`, low bit first.
fn read_code(input: &[u8], position: usize, n_bits: u32) -> usize {
    let byte = position / 8;
    let mut word = 0u32;
    for i in 0..3 {
        word |= u32::from(*input.get(byte + i).unwrap_or(&0)) << (8 * i);
    }
    ((word >> (position % 8)) & ((1 << n_bits) - 1)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `printf 'TOBEORNOTTOBEORTOBEORNOT' | compress -c` (ncompress 5.0, -b16).
    #[test]
    fn decodes_what_compress_wrote() {
        let packed = [
            0x1f, 0x9d, 0x90, 0x54, 0x9e, 0x08, 0x29, 0xf2, 0x44, 0x8a, 0x93, 0x27, 0x54, 0x02,
            0x0e, 0x2c, 0xa8, 0x90, 0xa0, 0x41, 0x84,
        ];
        assert_eq!(
            decode(&packed).unwrap(),
            b"TOBEORNOTTOBEORTOBEORNOT".to_vec()
        );
    }

    #[test]
    fn refuses_what_is_not_compress() {
        assert!(decode(b"hello").is_err());
        assert!(decode(&[0x1f, 0x9d, 0x99]).is_err());
    }
}
