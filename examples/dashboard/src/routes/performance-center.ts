/** @module Performance center: default image quality, output formats and cache lifetimes. */
import { type Static, Type } from '@sinclair/typebox';
import { audited, setAuditTarget } from '../audit.ts';
import { authorize } from '../http/auth.ts';
import { nowIso } from '../ids.ts';
import type { DashboardApp, RouteDeps } from './common.ts';

const Ttl = Type.Integer({ minimum: 0, maximum: 31_536_000 });

const PerformancePatch = Type.Object(
  {
    /** Default lossy quality, 1 (smallest) to 100 (best). */
    imageQuality: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** Which modern formats are served to browsers that accept them. */
    formats: Type.Optional(
      Type.Object(
        {
          webp: Type.Optional(Type.Boolean()),
          avif: Type.Optional(Type.Boolean()),
          png8: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    /** Cache lifetimes in seconds: the browser's and the CDN's. */
    caching: Type.Optional(
      Type.Object(
        { browserTtlSeconds: Type.Optional(Ttl), cdnTtlSeconds: Type.Optional(Ttl) },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    /** Serve lossless output where the format allows. */
    lossless: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The stored performance settings. */
export interface PerformanceSettings {
  imageQuality: number;
  formats: { webp: boolean; avif: boolean; png8: boolean };
  caching: { browserTtlSeconds: number; cdnTtlSeconds: number };
  lossless: boolean;
}

function merge(current: PerformanceSettings, patch: Static<typeof PerformancePatch>): PerformanceSettings {
  return {
    imageQuality: patch.imageQuality ?? current.imageQuality,
    formats: { ...current.formats, ...patch.formats },
    caching: { ...current.caching, ...patch.caching },
    lossless: patch.lossless ?? current.lossless,
  };
}

const TARGET = { type: 'performance_settings', id: 'performance', name: 'Performance center' };

/** Registers /v1/performance. */
export function performanceCenterRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  app.get('/v1/performance', async () => repos.documents.get<PerformanceSettings>('performance'));

  app.patch(
    '/v1/performance',
    {
      schema: { body: PerformancePatch },
      preValidation: authorize('performance_center.manage'),
      config: audited({ category: 'performance_center', target: () => TARGET }),
    },
    async (request) => {
      setAuditTarget(request, TARGET);
      const current = repos.documents.get<PerformanceSettings>('performance');
      return repos.documents.put('performance', merge(current, request.body), nowIso());
    },
  );
}
