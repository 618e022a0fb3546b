package terrain

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
)

// ReadPNG16 reads a grayscale PNG heightmap: pixel (c, r) becomes cell
// (c, r), so the top row of the image is the north edge. A 16-bit pixel p
// maps linearly to zMin + (zMax−zMin)·p/65535, so 0 → zMin and 65535 → zMax.
//
// 8-bit grayscale is accepted too, mapped 0 → zMin and 255 → zMax, but it
// has only 256 levels: over a 300 m range that is steps of 1.2 m, which
// turns slopes into terraces and puddles. Export heightmaps as 16-bit.
// Other colour models (RGB, palette, alpha) are refused rather than guessed.
//
// The grid has XLL = YLL = 0 and DefaultNoData; a PNG has no NODATA.
func ReadPNG16(r io.Reader, cell, zMin, zMax float64) (*Grid, error) {
	if !(cell > 0) || math.IsInf(cell, 0) {
		return nil, fmt.Errorf("png: cell size %v must be positive and finite", cell)
	}
	if math.IsNaN(zMin) || math.IsNaN(zMax) || math.IsInf(zMin, 0) || math.IsInf(zMax, 0) || zMax < zMin {
		return nil, fmt.Errorf("png: elevation range [%v, %v] must be finite with zMin <= zMax", zMin, zMax)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	// Check the size before decoding so a hostile header cannot make the
	// decoder allocate a huge image.
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxCells/cfg.Height {
		return nil, fmt.Errorf("png: %d×%d image exceeds %d cells", cfg.Width, cfg.Height, MaxCells)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	b := img.Bounds()
	g := NewGrid(b.Dx(), b.Dy(), cell)
	span := zMax - zMin
	switch im := img.(type) {
	case *image.Gray16:
		for r := 0; r < g.NY; r++ {
			for c := 0; c < g.NX; c++ {
				p := im.Gray16At(b.Min.X+c, b.Min.Y+r).Y
				g.V[r*g.NX+c] = zMin + float64(span*float64(p))/65535
			}
		}
	case *image.Gray:
		for r := 0; r < g.NY; r++ {
			for c := 0; c < g.NX; c++ {
				p := im.GrayAt(b.Min.X+c, b.Min.Y+r).Y
				g.V[r*g.NX+c] = zMin + float64(span*float64(p))/255
			}
		}
	default:
		return nil, fmt.Errorf("png: want a grayscale heightmap (16-bit, or 8-bit), got colour model %T", img)
	}
	return g, nil
}
