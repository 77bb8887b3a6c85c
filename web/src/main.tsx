/** @module Entry point: takes the viewer's credential and mounts the page. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { takeToken } from './lib/auth.ts';
import './styles.css';

const token = takeToken();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App token={token} />
  </StrictMode>,
);
